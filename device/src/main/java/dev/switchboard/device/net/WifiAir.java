package dev.switchboard.device.net;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The radio around a fleet of simulated devices: the access points in reach and how long the steps
 * of a connection take (a scan that finds no AP, an authentication, DHCP), so that retries take
 * about as long as on a chip. One daemon thread times every device's steps; the steps themselves
 * run on each device's own Wi-Fi task.
 */
public final class WifiAir implements AutoCloseable {
  /** How long a station's steps take. */
  public record Timing(Duration scan, Duration auth, Duration dhcp) {
    /** About a chip's: a failed scan 3 s, a refused authentication 1 s, DHCP 0.3 s. */
    public static final Timing CHIP =
        new Timing(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(300));

    /** Fast, for tests. */
    public static final Timing FAST =
        new Timing(Duration.ofMillis(30), Duration.ofMillis(20), Duration.ofMillis(10));
  }

  private final List<AccessPoint> accessPoints;
  private final Timing timing;
  private final ScheduledExecutorService clock;

  public WifiAir(List<AccessPoint> accessPoints, Timing timing) {
    this.accessPoints = List.copyOf(accessPoints);
    this.timing = timing;
    this.clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "wifi-air");
              t.setDaemon(true);
              return t;
            });
  }

  Optional<AccessPoint> find(String ssid) {
    return accessPoints.stream().filter(ap -> ap.ssid().equals(ssid)).findFirst();
  }

  Timing timing() {
    return timing;
  }

  ScheduledFuture<?> after(Duration delay, Runnable step) {
    return clock.schedule(step, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    clock.shutdownNow();
  }
}
