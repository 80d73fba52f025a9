package dev.switchboard.bench.cli;

import dev.switchboard.bench.Scenario;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench sub}: N subscribers counting what arrives and its latency. */
@Command(
    name = "sub",
    description = {
      "N subscribers that count what arrives and measure its latency.",
      "Latency needs the messages of 'bench pub' on this machine. Runs until --duration ends or Ctrl-C. %%i in the filter is the subscriber's index."
    })
final class SubCommand extends RunCommandBase {
  @Option(
      names = {"-c", "--count"},
      paramLabel = "N",
      description = "Subscribers (default: ${DEFAULT-VALUE}).")
  int count = 1;

  @Option(names = "--qos", paramLabel = "Q", description = "QoS (default: ${DEFAULT-VALUE}).")
  int qos;

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "FILTER",
      description = "Topic filter (default: ${DEFAULT-VALUE}).")
  String topic = "bench/#";

  @Mixin RunTiming timing;

  @Override
  Scenario scenario() {
    return new Scenario(
        "sub",
        List.of(),
        List.of(new Scenario.SubscriberGroup(count, qos, topic)),
        0,
        0,
        256,
        timing.duration(),
        timing.warmup(),
        java.time.Duration.ZERO);
  }
}
