package dev.switchboard.bench.cli;

import dev.switchboard.mqtt.MqttVersion;
import picocli.CommandLine.Option;

/** The generator's own settings, shared by every {@code bench} command: protocol and threads. */
public final class GeneratorOptions {
  @Option(
      names = {"-V", "--protocol-version"},
      paramLabel = "VERSION",
      description = "3.1.1 (or 311) or 5 (default: ${DEFAULT-VALUE}).")
  String version = "3.1.1";

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Generator I/O threads per group, publishers and the others (default: one per core).")
  int threads = Runtime.getRuntime().availableProcessors();

  /** The protocol version; IllegalArgumentException for one the generator does not speak. */
  public MqttVersion version() {
    return switch (version) {
      case "3.1.1", "311", "4" -> MqttVersion.V3_1_1;
      case "5", "5.0" -> MqttVersion.V5;
      default ->
          throw new IllegalArgumentException(
              "-V " + version + ": the generator speaks 3.1.1 (311) and 5");
    };
  }

  /** Threads per event loop group; IllegalArgumentException below 1. */
  public int threads() {
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1");
    }
    return threads;
  }
}
