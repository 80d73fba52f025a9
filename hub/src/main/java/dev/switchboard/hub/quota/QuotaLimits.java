package dev.switchboard.hub.quota;

/**
 * What a device may publish and receive (a MyQttHub plan's figures): the largest message it may
 * publish, and how many messages it may send and receive per minute, hour, day and month, where a
 * message counts as {@code ceil(size / measurer)} (its hub's message measurer size). 0 means no
 * limit. At a limit a PUBLISH is refused and a delivery dropped; with {@code disconnect} the
 * device's connection is ended instead.
 *
 * @param maxMessageSize the largest payload, in bytes, it may publish
 * @param perMinute messages a calendar minute (UTC)
 * @param perHour messages a calendar hour
 * @param perDay messages a calendar day (UTC)
 * @param perMonth messages a calendar month (UTC)
 * @param disconnect whether reaching a limit ends the connection (0x97) instead of refusing the one
 *     message
 */
public record QuotaLimits(
    int maxMessageSize,
    long perMinute,
    long perHour,
    long perDay,
    long perMonth,
    boolean disconnect) {

  /** The largest message size a quota may name: MQTT's largest packet. */
  public static final int MAX_MESSAGE_SIZE = 268_435_455;

  /** The most messages a window's limit may be: more than any device sends, less than overflows. */
  public static final long MAX_MESSAGES = 1_000_000_000_000L;

  /** No limits. */
  public static final QuotaLimits NONE = new QuotaLimits(0, 0, 0, 0, 0, false);

  public QuotaLimits {
    size("maxMessageSize", maxMessageSize);
    count("perMinute", perMinute);
    count("perHour", perHour);
    count("perDay", perDay);
    count("perMonth", perMonth);
  }

  /** The limit of {@code window}; 0 for none. */
  public long limit(Window window) {
    return switch (window) {
      case MINUTE -> perMinute;
      case HOUR -> perHour;
      case DAY -> perDay;
      case MONTH -> perMonth;
    };
  }

  /** Whether it limits anything: a device without any limit is not metered. */
  public boolean limitsAnything() {
    return maxMessageSize > 0 || perMinute > 0 || perHour > 0 || perDay > 0 || perMonth > 0;
  }

  static void size(String field, long bytes) {
    if (bytes < 0 || bytes > MAX_MESSAGE_SIZE) {
      throw new InvalidQuota(
          field, field + " must be from 0 (none) to " + MAX_MESSAGE_SIZE + " bytes, not " + bytes);
    }
  }

  static void count(String field, long messages) {
    if (messages < 0 || messages > MAX_MESSAGES) {
      throw new InvalidQuota(
          field,
          field + " must be from 0 (none) to " + MAX_MESSAGES + " messages, not " + messages);
    }
  }
}
