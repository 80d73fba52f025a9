package dev.switchboard.bench;

import java.time.Duration;

/** A process's CPU time, as the system tells it ({@link ProcessHandle.Info#totalCpuDuration}). */
public final class BrokerCpu {
  private BrokerCpu() {}

  /**
   * The CPU time {@code pid} has used so far (user and system, every thread), in seconds; NaN for
   * no pid (0), a process that is gone, or a system that does not tell.
   */
  public static double seconds(long pid) {
    if (pid <= 0) {
      return Double.NaN;
    }
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos)
        .map(n -> n / 1e9)
        .orElse(Double.NaN);
  }
}
