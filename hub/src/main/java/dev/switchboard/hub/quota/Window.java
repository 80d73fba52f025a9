package dev.switchboard.hub.quota;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A quota's counting window: a fixed calendar minute, hour, day or month in UTC. A window starts at
 * its boundary (10:00:00.000, midnight, the first of the month) and every message counts in the
 * window it falls in; a new window starts from zero.
 */
public enum Window {
  MINUTE(60_000L),
  HOUR(3_600_000L),
  DAY(86_400_000L),
  MONTH(0);

  /** The windows in order, shared: {@code values()} copies its array every call. */
  static final Window[] ALL = values();

  private final long length;

  Window(long length) {
    this.length = length;
  }

  /** When the window that holds {@code epochMillis} started. */
  public long start(long epochMillis) {
    if (length > 0) {
      return epochMillis - Math.floorMod(epochMillis, length);
    }
    LocalDate day = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
    return day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** When the window that started at {@code start} ends (the next one's start). */
  public long end(long start) {
    if (length > 0) {
      return start + length;
    }
    return Instant.ofEpochMilli(start)
        .atZone(ZoneOffset.UTC)
        .plusMonths(1)
        .toInstant()
        .toEpochMilli();
  }

  /**
   * Its name in the API and the store: {@code minute}, {@code hour}, {@code day}, {@code month}.
   */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The window of that {@link #key()}; null for none. */
  public static Window of(String key) {
    for (Window w : ALL) {
      if (w.key().equals(key)) {
        return w;
      }
    }
    return null;
  }
}
