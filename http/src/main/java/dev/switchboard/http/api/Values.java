package dev.switchboard.http.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reading the values of a request that are not JSON types of their own: enums, times. */
public final class Values {
  private Values() {}

  /**
   * {@code text} as a constant of {@code type}, named in lower case; a problem naming the field.
   */
  public static <E extends Enum<E>> E enumValue(Class<E> type, String field, String text) {
    if (text != null) {
      for (E c : type.getEnumConstants()) {
        if (c.name().toLowerCase(Locale.ROOT).equals(text)) {
          return c;
        }
      }
    }
    StringBuilder names = new StringBuilder();
    for (E c : type.getEnumConstants()) {
      names.append(names.isEmpty() ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
    }
    throw Problem.invalid(field, "'" + text + "' is not one of " + names);
  }

  /** The lower-case name of an enum constant, as the API writes it. */
  public static String name(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(Locale.ROOT);
  }

  /** Epoch milliseconds as ISO-8601 text; null for 0 (never). */
  public static String time(long epochMillis) {
    return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  /** ISO-8601 text as epoch milliseconds; 0 for null. */
  public static long time(String field, String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw Problem.invalid(field, "'" + text + "' is not a time such as 2030-01-31T12:00:00Z");
    }
  }
}
