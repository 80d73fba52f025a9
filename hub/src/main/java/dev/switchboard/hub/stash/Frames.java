package dev.switchboard.hub.stash;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MyQttHub's {@code downloadFrame}: how far back a download reaches, as a number and a unit: {@code
 * 30s}, {@code 15m}, {@code 1h}, {@code 1d}, {@code 1w}.
 */
public final class Frames {
  private static final Pattern FRAME = Pattern.compile("([1-9][0-9]{0,8})([smhdw])");

  private Frames() {}

  public static Duration parse(String frame) {
    Matcher m = frame == null ? null : FRAME.matcher(frame.trim().toLowerCase(Locale.ROOT));
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "'" + frame + "' is not a time frame: a number and s, m, h, d or w (1h, 1d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }
}
