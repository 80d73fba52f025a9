package dev.switchboard.device;

import java.util.IllegalFormatException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * C's {@code printf} formats as Java's: length modifiers dropped ({@code %ld}, {@code %lu}, {@code
 * %zu}), {@code %u} and {@code %i} read as {@code %d}, so that {@code ESP_LOGI(TAG, "msg_id=%d",
 * id)} and {@code "%" PRIu32} read the same as in C.
 */
final class CFormat {
  private static final Pattern SPEC =
      Pattern.compile("%([-+ 0#]*\\d*(?:\\.\\d+)?)(hh|h|ll|l|z|j|t)?([diuoxXcsfFeEgGp%])");

  private CFormat() {}

  static String format(String fmt, Object... args) {
    if (args == null || args.length == 0) {
      return fmt.replace("%%", "%");
    }
    Matcher m = SPEC.matcher(fmt);
    StringBuilder javaFmt = new StringBuilder();
    while (m.find()) {
      String conversion =
          switch (m.group(3)) {
            case "i", "u" -> "d";
            case "p" -> "x";
            case "F" -> "f";
            default -> m.group(3);
          };
      m.appendReplacement(javaFmt, Matcher.quoteReplacement("%" + m.group(1) + conversion));
    }
    m.appendTail(javaFmt);
    try {
      return String.format(javaFmt.toString(), args);
    } catch (IllegalFormatException e) {
      return fmt + " (format error: " + e.getMessage() + ")";
    }
  }
}
