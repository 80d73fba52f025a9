package dev.switchboard.device.fleet;

import dev.switchboard.device.Device;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Faults to inject into every device of a fleet, from a spec such as {@code
 * link-down=5s@30s,broker-unreachable=10s@1m/2m,lost-ip=3s@90s}: each fault is {@code
 * KIND=DURATION@START}, optionally {@code /EVERY} to repeat it. Kinds: {@code link-down} (the
 * access point out of reach), {@code lost-ip} (the address lost, then renewed), {@code
 * broker-unreachable}. Times: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}.
 */
public record FaultPlan(List<Fault> faults) {
  /** What a fault does to a device. */
  public enum Kind {
    LINK_DOWN("link-down"),
    LOST_IP("lost-ip"),
    BROKER_UNREACHABLE("broker-unreachable");

    final String spec;

    Kind(String spec) {
      this.spec = spec;
    }

    void apply(Device d, Duration duration) {
      switch (this) {
        case LINK_DOWN -> d.linkDown(duration);
        case LOST_IP -> d.loseAddress(duration);
        case BROKER_UNREACHABLE -> d.brokerUnreachable(duration);
      }
    }
  }

  /** One fault: how long it lasts, when it first starts, how often it comes back (or null). */
  public record Fault(Kind kind, Duration duration, Duration start, Duration every) {}

  public static final FaultPlan NONE = new FaultPlan(List.of());

  private static final Pattern FAULT =
      Pattern.compile("([a-z-]+)=(\\d+(?:ms|s|m|h))@(\\d+(?:ms|s|m|h))(?:/(\\d+(?:ms|s|m|h)))?");
  private static final Pattern TIME = Pattern.compile("(\\d+)(ms|s|m|h)");

  public FaultPlan {
    faults = List.copyOf(faults);
  }

  /**
   * Reads a spec.
   *
   * @throws IllegalArgumentException naming the part that is not {@code
   *     KIND=DURATION@START[/EVERY]}
   */
  public static FaultPlan parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    List<Fault> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      Matcher m = FAULT.matcher(part.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "fault '"
                + part.strip()
                + "': expected KIND=DURATION@START[/EVERY], e.g. link-down=5s@30s");
      }
      Kind kind = null;
      for (Kind k : Kind.values()) {
        if (k.spec.equals(m.group(1))) {
          kind = k;
        }
      }
      if (kind == null) {
        throw new IllegalArgumentException(
            "fault '" + part.strip() + "': the kinds are link-down, lost-ip, broker-unreachable");
      }
      Duration every = m.group(4) == null ? null : time(m.group(4));
      if (every != null && every.isZero()) {
        throw new IllegalArgumentException("fault '" + part.strip() + "': EVERY must not be 0");
      }
      out.add(new Fault(kind, time(m.group(2)), time(m.group(3)), every));
    }
    return new FaultPlan(out);
  }

  private static Duration time(String text) {
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a time: " + text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** Schedules the faults, each on every device {@code devices} gives at the time. */
  void schedule(ScheduledExecutorService clock, Supplier<List<Device>> devices) {
    for (Fault f : faults) {
      Runnable hit = () -> devices.get().forEach(d -> f.kind.apply(d, f.duration));
      if (f.every == null) {
        clock.schedule(hit, f.start.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        clock.scheduleAtFixedRate(
            hit, f.start.toMillis(), f.every.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }
}
