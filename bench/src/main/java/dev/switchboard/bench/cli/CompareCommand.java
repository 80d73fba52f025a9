package dev.switchboard.bench.cli;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.CompareRunner;
import dev.switchboard.bench.compare.MosquittoLauncher;
import dev.switchboard.bench.compare.ScratchDirectory;
import dev.switchboard.bench.compare.StandardScenarios;
import dev.switchboard.bench.compare.StandardScenarios.Entry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench compare}: the standard scenarios against Switchboard and its peers
 * (Mosquitto, HiveMQ CE).
 */
@Command(
    name = "compare",
    description = {
      "Standard scenarios against Switchboard and its peers (Mosquitto; HiveMQ CE with --peer hivemq), side by side.",
      "Starts each peer and Switchboard on free loopback ports with equivalent settings, runs each scenario against each in turn (A B A B ...), a fresh broker process per run, and prints a table of medians and Switchboard's ratio to each peer. A run a peer fails (does not start, dies, delivers nothing, times out) is reported as failed and the comparison goes on."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @ParentCommand BenchCommand parent;

  @Mixin HelpOption help;

  @Mixin Output output;

  @Mixin RoundsOptions timing = new RoundsOptions(3, 10, 3);

  @Option(
      names = "--idle",
      paramLabel = "N",
      description = "Idle connections in the connection scenario (default: ${DEFAULT-VALUE}).")
  int idle = 19_000;

  @Option(
      names = "--scale",
      paramLabel = "F",
      description = "Multiply every client count by F, e.g. 0.1 for a quick look (default: 1).")
  double scale = 1;

  @Option(
      names = "--only",
      paramLabel = "NAME[,NAME...]",
      split = ",",
      description = "Run only the scenarios whose names start with one of these.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--peer",
      paramLabel = "NAME",
      split = ",",
      description =
          "The brokers Switchboard is compared with, mosquitto and/or hivemq, run in the order given (default: mosquitto). Repeatable.")
  List<String> peers = new ArrayList<>();

  @Option(
      names = "--mosquitto",
      paramLabel = "PATH",
      description = "The mosquitto binary (default: found on PATH or in /usr/sbin).")
  Path mosquitto;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where the brokers' configurations and logs go (default: a temporary directory, removed afterwards).")
  Path workDir;

  @Option(
      names = "--setup",
      paramLabel = "bench|default",
      description =
          "How Switchboard is set up: bench (default) as the peers are, anonymous clients, no store, no $SYS; or default, as a fresh 'switchboard start' sets it up: every client logs in with a device's password (the registry, Argon2id), an access rule is checked on every publish and subscribe, the store is strict, $SYS is on.")
  String setup = "bench";

  @Mixin GeneratorOptions generator;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<BrokerLauncher> brokers = new ArrayList<>();
    List<String> selected =
        peers.stream().map(p -> p.strip().toLowerCase(Locale.ROOT)).distinct().toList();
    for (String peer : selected.isEmpty() ? List.of("mosquitto") : selected) {
      switch (peer) {
        case "mosquitto" -> {
          Optional<Path> binary =
              mosquitto != null ? Optional.of(mosquitto) : MosquittoLauncher.find();
          if (binary.isEmpty() || !Files.isExecutable(binary.get())) {
            err.println(
                "switchboard bench compare: mosquitto not found"
                    + (mosquitto != null ? " at " + mosquitto : "")
                    + "; install Debian's package (apt-get install mosquitto) or pass --mosquitto PATH");
            return RunCommandBase.EXIT_USAGE;
          }
          brokers.add(new MosquittoLauncher(binary.get()));
        }
        case "hivemq" -> {
          if (parent.hivemq() == null) {
            err.println(
                "switchboard bench compare: this build cannot start HiveMQ CE (app/target/hivemq-lib is missing; ./switchboard build makes it)");
            return RunCommandBase.EXIT_USAGE;
          }
          brokers.add(parent.hivemq());
        }
        default -> {
          err.println("switchboard bench compare: unknown peer '" + peer + "' (mosquitto, hivemq)");
          return RunCommandBase.EXIT_USAGE;
        }
      }
    }
    BrokerLauncher switchboard;
    switch (setup.strip().toLowerCase(Locale.ROOT)) {
      case "bench" -> switchboard = parent.switchboard();
      case "default" -> switchboard = parent.switchboardDefaultSetup();
      default -> {
        err.println("switchboard bench compare: unknown --setup '" + setup + "' (bench, default)");
        return RunCommandBase.EXIT_USAGE;
      }
    }
    if (switchboard == null) {
      err.println(
          "switchboard bench compare: this build cannot start Switchboard with --setup " + setup);
      return RunCommandBase.EXIT_USAGE;
    }
    brokers.add(switchboard);
    List<Entry> entries;
    ClientOptions client;
    CompareRunner runner;
    boolean temporary = workDir == null;
    Path dir;
    try {
      timing.check();
      if (!(scale > 0) || idle < 1) {
        throw new IllegalArgumentException("--scale and --idle must be positive");
      }
      entries =
          new StandardScenarios(timing.duration(), timing.warmup(), idle, scale)
              .all().stream()
                  .filter(
                      e ->
                          only.isEmpty()
                              || only.stream().anyMatch(o -> e.scenario().name().startsWith(o)))
                  .toList();
      if (entries.isEmpty()) {
        throw new IllegalArgumentException("--only " + only + " matches no scenario");
      }
      client = ClientOptions.defaults("cmp-").withVersion(generator.version());
      dir = temporary ? Files.createTempDirectory("switchboard-compare-") : workDir;
      runner =
          new CompareRunner(
              entries,
              timing.rounds(),
              client,
              generator.threads(),
              dir,
              output.quiet ? null : new PrintStream(System.out, true));
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench compare: " + e.getMessage());
      return RunCommandBase.EXIT_USAGE;
    }
    CompareRunner.Comparison result;
    try (Interrupts interrupts = Interrupts.onInterrupt(runner::abort)) {
      result = runner.run(brokers);
    } catch (IOException e) {
      err.println("switchboard bench compare: " + e.getMessage());
      return RunCommandBase.EXIT_FAILURES;
    } finally {
      if (temporary) {
        ScratchDirectory.delete(dir);
      }
    }
    out.println();
    out.print(CompareRunner.render(result));
    out.flush();
    output.writeJson(result);
    return 0;
  }
}
