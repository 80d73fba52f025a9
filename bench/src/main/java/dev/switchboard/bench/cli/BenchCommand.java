package dev.switchboard.bench.cli;

import dev.switchboard.bench.compare.BrokerLauncher;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard bench}: the load generator. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Load generator: connections, publishers, subscribers, scenarios, and a side-by-side comparison with Mosquitto and HiveMQ CE.",
    subcommands = {
      ConnCommand.class,
      PubCommand.class,
      SubCommand.class,
      ScenarioCommand.class,
      CompareCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BenchCommand implements Runnable {
  private final BrokerLauncher switchboard;
  private final BrokerLauncher switchboardDefaultSetup;
  private final BrokerLauncher hivemq;

  /**
   * @param switchboard how {@code compare} starts Switchboard (null: it cannot)
   */
  public BenchCommand(BrokerLauncher switchboard) {
    this(switchboard, null);
  }

  /**
   * @param switchboard how {@code compare} starts Switchboard (null: it cannot)
   * @param hivemq how {@code compare --peer hivemq} starts HiveMQ CE (null: it cannot)
   */
  public BenchCommand(BrokerLauncher switchboard, BrokerLauncher hivemq) {
    this(switchboard, null, hivemq);
  }

  /**
   * @param switchboard how {@code compare} starts Switchboard set up as the peers are (null: it
   *     cannot)
   * @param switchboardDefaultSetup how {@code compare --setup default} starts it as {@code
   *     switchboard start} sets it up (null: it cannot)
   * @param hivemq how {@code compare --peer hivemq} starts HiveMQ CE (null: it cannot)
   */
  public BenchCommand(
      BrokerLauncher switchboard, BrokerLauncher switchboardDefaultSetup, BrokerLauncher hivemq) {
    this.switchboard = switchboard;
    this.switchboardDefaultSetup = switchboardDefaultSetup;
    this.hivemq = hivemq;
  }

  BrokerLauncher switchboard() {
    return switchboard;
  }

  BrokerLauncher switchboardDefaultSetup() {
    return switchboardDefaultSetup;
  }

  BrokerLauncher hivemq() {
    return hivemq;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
