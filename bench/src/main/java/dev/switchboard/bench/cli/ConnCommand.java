package dev.switchboard.bench.cli;

import dev.switchboard.bench.Scenario;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard bench conn}: open N connections at R per second and hold them. */
@Command(
    name = "conn",
    description = {
      "Open N connections at R per second and hold them.",
      "Reports the connect rate, failures and, with --broker-pid, the broker's resident memory per connection."
    })
final class ConnCommand extends RunCommandBase {
  @Option(
      names = {"-c", "--count"},
      required = true,
      paramLabel = "N",
      description = "Connections.")
  int count;

  @Option(
      names = {"-R", "--rate"},
      paramLabel = "R|max",
      description = "Connections per second (default: ${DEFAULT-VALUE}).")
  String rate = "max";

  @Option(
      names = "--max-pending",
      paramLabel = "N",
      description = "Connections waiting for CONNACK at once (default: ${DEFAULT-VALUE}).")
  int maxPending = 256;

  @Option(
      names = "--hold",
      paramLabel = "SECONDS",
      description = "Hold the connections this long once all are up (default: until Ctrl-C).")
  Double hold;

  @Option(
      names = "--broker-pid",
      paramLabel = "PID",
      description = "The broker's process id: report its resident memory per connection.")
  long brokerPid;

  @Override
  Scenario scenario() {
    if (hold != null && !(hold > 0)) {
      throw new IllegalArgumentException("--hold must be a positive number of seconds");
    }
    Duration d = hold == null ? Duration.ZERO : Duration.ofMillis((long) (hold * 1000));
    return new Scenario(
        "conn",
        List.of(),
        List.of(),
        count,
        Scenario.parseRate(rate),
        maxPending,
        d,
        Duration.ZERO,
        Duration.ZERO);
  }

  @Override
  long brokerPid() {
    return brokerPid;
  }
}
