package dev.switchboard.bench.cli;

import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.ScenarioRunner;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * What {@code conn}, {@code pub}, {@code sub} and {@code run} share: build a scenario from the
 * options, run it until it ends or Ctrl-C, print the summary (and JSON). Exit 0 when every client
 * connected and stayed connected, 1 otherwise, 2 for bad options.
 */
abstract class RunCommandBase implements Callable<Integer> {
  static final int EXIT_FAILURES = 1;
  static final int EXIT_USAGE = 2;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Mixin ConnectionOptions connection;

  @Mixin Output output;

  /** The scenario the options describe; IllegalArgumentException for a bad option. */
  abstract Scenario scenario();

  /** The broker's process id for memory figures, 0 for none. */
  long brokerPid() {
    return 0;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ScenarioRunner runner;
    Scenario scenario;
    try {
      scenario = scenario();
      runner =
          new ScenarioRunner(
              connection.endpoint(),
              connection.clientOptions(),
              connection.threads(),
              brokerPid(),
              output.quiet ? null : new java.io.PrintStream(System.out, true));
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench: " + e.getMessage());
      return EXIT_USAGE;
    }
    RunResult result;
    try (Interrupts interrupts = Interrupts.onInterrupt(runner::stop)) {
      result = runner.run(scenario);
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench: " + e.getMessage());
      return EXIT_USAGE;
    }
    out.print(result.summary());
    out.flush();
    output.writeJson(result);
    boolean clean =
        result.connected() == result.connections()
            && result.connectionsLost() == 0
            && result.connectFailed() == 0;
    return clean ? 0 : EXIT_FAILURES;
  }
}
