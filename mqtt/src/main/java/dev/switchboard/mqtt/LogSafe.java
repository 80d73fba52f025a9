package dev.switchboard.mqtt;

import java.util.Locale;

/**
 * Makes text that a client (or any peer) chose safe to put in a log line: control characters are
 * escaped and the length is bounded, so that a client id, user name, topic or reason string can
 * neither start a line of its own (a forged log entry) nor fill the log.
 *
 * <p>Escaped: the C0 controls (U+0000 to U+001F: {@code \n}, {@code \r} and {@code \t} by name, the
 * rest as {@code \}{@code u00XX}), DEL, the C1 controls (U+0080 to U+009F, NEL among them), the
 * line and paragraph separators U+2028 and U+2029 (which some log viewers and JSON consumers take
 * for line ends), and the bidirectional embedding, override and isolate controls (U+202A to U+202E,
 * U+2066 to U+2069), which can make a viewer show a line's text in another order than it was
 * written.
 *
 * <p>A backslash is left as it is. A client id containing the two characters {@code \n} therefore
 * looks like one containing a line feed; that ambiguity is the price of the helper being idempotent
 * ({@code text(text(s)).equals(text(s))}), so that text escaped where it comes from (a hub's
 * refusal reason) can be escaped again where it is logged (the broker, which does not know where an
 * authenticator's reasons come from) without doubling every backslash. What matters for a log is
 * that no line can be forged, and none can.
 *
 * <p>Used by the broker, the hub and the client, for logs now and for any HTTP API that echoes
 * client text later.
 */
public final class LogSafe {
  /** The default bound on a value's length in a log line, the marker included. */
  public static final int MAX_CHARS = 256;

  /**
   * The bound for a whole sentence that quotes client text (a refusal reason naming a client id and
   * a user name): room for the sentence and ordinary values, while a value of megabytes is cut.
   */
  public static final int MAX_REASON_CHARS = 1024;

  /** Ends a value that was cut at its bound. */
  static final String CUT_MARKER = "...";

  private LogSafe() {}

  /**
   * {@code value} with its control characters escaped, at most {@link #MAX_CHARS} characters long
   * (a longer one is cut and ends with {@code ...}); {@code "null"} for null.
   */
  public static String text(String value) {
    return text(value, MAX_CHARS);
  }

  /**
   * {@code value} with its control characters escaped, at most {@code maxChars} characters long (a
   * longer one is cut and ends with {@code ...}, and never in the middle of an escape or a
   * surrogate pair); {@code "null"} for null. Returns {@code value} itself when there is nothing to
   * change.
   *
   * @param maxChars the bound, at least 4
   */
  public static String text(String value, int maxChars) {
    if (maxChars <= CUT_MARKER.length()) {
      throw new IllegalArgumentException("maxChars must be more than " + CUT_MARKER.length());
    }
    if (value == null) {
      return "null";
    }
    int length = value.length();
    if (length <= maxChars && isClean(value)) {
      return value; // the usual case, and no copy
    }
    int budget = maxChars - CUT_MARKER.length();
    StringBuilder out = new StringBuilder(Math.min(length + 16, maxChars + 8));
    int cut = 0; // the end of the last whole unit that leaves room for the marker
    for (int i = 0; i < length && out.length() <= maxChars; i++) {
      char c = value.charAt(i);
      if (needsEscape(c)) {
        appendEscape(out, c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        out.append(c).append(value.charAt(++i)); // a pair is one unit: never cut between them
      } else {
        out.append(c);
      }
      if (out.length() <= budget) {
        cut = out.length();
      }
    }
    if (out.length() <= maxChars) {
      return out.toString(); // the loop ran to the end of the value: it all fits
    }
    out.setLength(cut);
    return out.append(CUT_MARKER).toString();
  }

  private static boolean isClean(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (needsEscape(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 // C0
        || (c >= 0x7F && c <= 0x9F) // DEL and C1
        || (c >= 0x2028 && c <= 0x202E) // line and paragraph separators, bidi embeddings
        || (c >= 0x2066 && c <= 0x2069); // bidi isolates
  }

  private static void appendEscape(StringBuilder out, char c) {
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        String hex = Integer.toHexString(c).toUpperCase(Locale.ROOT);
        out.append("\\u");
        for (int pad = hex.length(); pad < 4; pad++) {
          out.append('0');
        }
        out.append(hex);
      }
    }
  }
}
