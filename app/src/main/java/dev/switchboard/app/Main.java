package dev.switchboard.app;

import dev.switchboard.app.device.DeviceCommand;
import dev.switchboard.app.pubsub.MosquittoUsage;
import dev.switchboard.app.pubsub.PubCommand;
import dev.switchboard.app.pubsub.SubCommand;
import dev.switchboard.bench.cli.BenchCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Switchboard: a self-hosted MQTT IoT hub.",
    subcommands = {StartCommand.class},
    footer = {
      "",
      "The launcher script also runs:",
      "  ./switchboard test    the whole test suite (./mvnw verify with a JDK >= 21)",
      "  ./switchboard build   rebuild the distribution"
    })
public final class Main implements Runnable {

  /** Exit code for bad usage, a bad configuration value or a port that cannot be bound. */
  public static final int EXIT_CONFIG = 2;

  public static void main(String[] args) {
    NettyDefaults.apply();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.addSubcommand(
        "bench",
        new BenchCommand(
            SwitchboardProcess.launcher(),
            SwitchboardProcess.defaultSetupLauncher(),
            HiveMqProcess.launcher()));
    cmd.getSubcommands().get("bench").addSubcommand("hubs", new HubsBenchCommand());
    cmd.getSubcommands().get("bench").addSubcommand("http", new HttpBenchCommand());
    cmd.getSubcommands().get("bench").addSubcommand("stash", new StashBenchCommand());
    cmd.getSubcommands().get("bench").addSubcommand("myqtthub", new DeviceApiBenchCommand());
    cmd.getSubcommands().get("bench").addSubcommand("cluster", new ClusterBenchCommand());
    cmd.addSubcommand("store", new StoreCommand());
    cmd.addSubcommand("devices", new DevicesCommand());
    cmd.addSubcommand("hubs", new HubsCommand());
    cmd.addSubcommand("admins", new AdminsCommand());
    cmd.addSubcommand("stashes", new StashesCommand());
    cmd.addSubcommand("quotas", new QuotasCommand());
    cmd.addSubcommand("cluster", new ClusterCommand());
    cmd.addSubcommand("device", new DeviceCommand());
    cmd.addSubcommand("lab", new LabCommand());
    cmd.addSubcommand("pub", new PubCommand());
    cmd.addSubcommand("sub", new SubCommand());
    cmd.addSubcommand(new CommandLine.HelpCommand());
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("switchboard: " + ex.getMessage());
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_CONFIG;
        });
    // pub and sub answer bad usage as mosquitto_pub and mosquitto_sub do (exit code 1).
    MosquittoUsage.forSubcommands(cmd, "pub", "sub");
    return cmd;
  }

  /** A tool's error: one line on standard error, then its exit code. */
  static int fail(java.io.PrintWriter err, String message, int code) {
    err.println("switchboard: " + message);
    err.flush();
    return code;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Prints {@code switchboard VERSION}. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"switchboard " + version()};
    }
  }
}
