package dev.switchboard.bench.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --rounds}, {@code --duration} and {@code --warmup} of the commands that start a broker per
 * run and report medians over rounds ({@code bench compare}, {@code bench hubs}, {@code bench
 * stash}, ...). Each command gives its own defaults through the constructor.
 */
public final class RoundsOptions {
  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Rounds per scenario and variant (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "SECONDS",
      description = "Publishing time per run, warm-up included (default: ${DEFAULT-VALUE}).")
  int duration;

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      description = "Left out of the figures at the start of each run (default: ${DEFAULT-VALUE}).")
  int warmup;

  /** For picocli; the defaults of {@code bench compare}. */
  public RoundsOptions() {
    this(3, 10, 3);
  }

  public RoundsOptions(int rounds, int duration, int warmup) {
    this.rounds = rounds;
    this.duration = duration;
    this.warmup = warmup;
  }

  /**
   * @throws IllegalArgumentException when rounds or duration are below 1, or the warm-up is not
   *     shorter than the duration
   */
  public void check() {
    if (rounds < 1 || duration < 1 || warmup < 0 || warmup >= duration) {
      throw new IllegalArgumentException(
          "--rounds and --duration must be at least 1, --warmup shorter than --duration (whole"
              + " seconds)");
    }
  }

  public int rounds() {
    return rounds;
  }

  public Duration duration() {
    return Duration.ofSeconds(duration);
  }

  public Duration warmup() {
    return Duration.ofSeconds(warmup);
  }
}
