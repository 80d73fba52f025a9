package dev.switchboard.bench.cli;

import dev.switchboard.bench.Scenario;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard bench pub}: N publishers, each at R messages per second or as fast as it can.
 */
@Command(
    name = "pub",
    description = {
      "N publishers at R messages per second each, or as fast as they can.",
      "Runs until --duration ends or Ctrl-C. %%i in the topic is the publisher's index."
    })
final class PubCommand extends RunCommandBase {
  @Option(
      names = {"-c", "--count"},
      paramLabel = "N",
      description = "Publishers (default: ${DEFAULT-VALUE}).")
  int count = 1;

  @Option(
      names = {"-R", "--rate"},
      paramLabel = "R|max",
      description = "Messages per second per publisher (default: ${DEFAULT-VALUE}).")
  String rate = "max";

  @Option(names = "--qos", paramLabel = "Q", description = "QoS (default: ${DEFAULT-VALUE}).")
  int qos;

  @Option(
      names = {"-s", "--size"},
      paramLabel = "BYTES",
      description = "Payload size, at least 8 (default: ${DEFAULT-VALUE}).")
  int size = 64;

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "TOPIC",
      description = "Topic; %%i is the publisher's index (default: bench/%%i).")
  String topic = "bench/%i";

  @Option(
      names = "--inflight",
      paramLabel = "N",
      description = "QoS 1/2 messages unacknowledged per publisher (default: ${DEFAULT-VALUE}).")
  int inflight = 64;

  @Mixin RunTiming timing;

  @Override
  Scenario scenario() {
    return new Scenario(
        "pub",
        List.of(
            new Scenario.PublisherGroup(
                count, Scenario.parseRate(rate), qos, size, topic, inflight)),
        List.of(),
        0,
        0,
        256,
        timing.duration(),
        timing.warmup(),
        java.time.Duration.ofSeconds(2));
  }
}
