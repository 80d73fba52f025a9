package dev.switchboard.bench.cli;

import dev.switchboard.bench.Scenario;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code switchboard bench run SCENARIO}: publishers and subscribers from a HOCON file. */
@Command(
    name = "run",
    description = {
      "Run a scenario file (HOCON): publishers and subscribers together.",
      "Reports sent/s, received/s, delivered/expected, latency p50/p90/p99/p99.9 and errors; docs/benchmarks.md has the format."
    })
final class ScenarioCommand extends RunCommandBase {
  @Parameters(paramLabel = "SCENARIO", description = "The scenario file.")
  Path file;

  @Override
  Scenario scenario() {
    return Scenario.load(file);
  }
}
