package dev.switchboard.bench.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --duration} and {@code --warmup}. */
public final class RunTiming {
  @Option(
      names = {"-d", "--duration"},
      paramLabel = "SECONDS",
      description = "How long to run (default: until Ctrl-C).")
  Double duration;

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      description = "Leave the first seconds out of rates and latencies (default: 0).")
  double warmup;

  Duration duration() {
    if (duration == null) {
      return Duration.ZERO;
    }
    if (!(duration > 0)) {
      throw new IllegalArgumentException("--duration must be a positive number of seconds");
    }
    return Duration.ofMillis((long) (duration * 1000));
  }

  Duration warmup() {
    if (warmup < 0) {
      throw new IllegalArgumentException("--warmup must not be negative");
    }
    return Duration.ofMillis((long) (warmup * 1000));
  }
}
