package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttEvent;
import dev.switchboard.mqtt.packet.UserProperty;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * mosquitto_sub's -F: %-parameters of the message (with flags, width and precision), helpers (%I,
 * %U), @-time fields (a subset of strftime) and \-escapes. Parsed once; an unknown sequence is a
 * usage error, not a surprise in the output.
 */
final class OutputFormat {
  private sealed interface Part permits Text, Param, Time {}

  private record Text(byte[] bytes) implements Part {}

  private record Param(char what, boolean left, boolean zero, int width, int precision)
      implements Part {}

  private record Time(char what) implements Part {}

  private static final String PARAMS = "%AClDEFmPpqRrSIUtxX";
  private static final String TIMES = "YymdHMSNsjzZFTaAbBep@";

  private final List<Part> parts;

  private OutputFormat(List<Part> parts) {
    this.parts = parts;
  }

  static OutputFormat parse(String format) throws UsageError {
    List<Part> parts = new ArrayList<>();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int i = 0;
    int n = format.length();
    while (i < n) {
      char c = format.charAt(i);
      if (c == '%') {
        int j = i + 1;
        boolean left = false;
        boolean zero = false;
        while (j < n && (format.charAt(j) == '-' || format.charAt(j) == '0')) {
          left |= format.charAt(j) == '-';
          zero |= format.charAt(j) == '0';
          j++;
        }
        int width = 0;
        while (j < n && Character.isDigit(format.charAt(j))) {
          width = width * 10 + (format.charAt(j++) - '0');
        }
        int precision = -1;
        if (j < n && format.charAt(j) == '.') {
          j++;
          precision = 0;
          while (j < n && Character.isDigit(format.charAt(j))) {
            precision = precision * 10 + (format.charAt(j++) - '0');
          }
        }
        if (j >= n || PARAMS.indexOf(format.charAt(j)) < 0) {
          throw new UsageError(
              "-F: '"
                  + format.substring(i, Math.min(n, j + 1))
                  + "' is not supported (%t %p %q %r %l %m %x %X %P %C %E %F %R %D %S %A %I %U"
                  + " %%; %j and %J are not).");
        }
        flush(text, parts);
        parts.add(new Param(format.charAt(j), left, zero && !left, width, precision));
        i = j + 1;
      } else if (c == '@') {
        if (i + 1 >= n || TIMES.indexOf(format.charAt(i + 1)) < 0) {
          throw new UsageError(
              "-F: '"
                  + format.substring(i, Math.min(n, i + 2))
                  + "' is not supported (@Y @y @m @d @H @M @S @N @s @j @z @Z @F @T @a @A @b"
                  + " @B @e @p @@).");
        }
        if (format.charAt(i + 1) == '@') {
          text.write('@');
        } else {
          flush(text, parts);
          parts.add(new Time(format.charAt(i + 1)));
        }
        i += 2;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new UsageError("-F: a '\\' at the end of the format.");
        }
        char e = format.charAt(i + 1);
        int b =
            switch (e) {
              case '\\' -> '\\';
              case '0' -> 0;
              case 'a' -> 7;
              case 'e' -> 27;
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'v' -> 11;
              default ->
                  throw new UsageError(
                      "-F: '\\" + e + "' is not supported (\\\\ \\0 \\a \\e \\n \\r \\t \\v).");
            };
        text.write(b);
        i += 2;
      } else {
        int end = i + 1;
        while (end < n && "%@\\".indexOf(format.charAt(end)) < 0) {
          end++;
        }
        text.writeBytes(format.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    flush(text, parts);
    return new OutputFormat(parts);
  }

  private static void flush(ByteArrayOutputStream text, List<Part> parts) {
    if (text.size() > 0) {
      parts.add(new Text(text.toByteArray()));
      text.reset();
    }
  }

  void write(ByteArrayOutputStream out, MqttEvent e) {
    ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
    for (Part p : parts) {
      switch (p) {
        case Text t -> out.writeBytes(t.bytes());
        case Time t -> out.writeBytes(time(t.what(), now).getBytes(StandardCharsets.UTF_8));
        case Param q -> {
          if (q.what() == 'p') {
            out.writeBytes(e.data()); // raw bytes, never padded
          } else {
            out.writeBytes(pad(q, value(q.what(), e, now)).getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
  }

  private static String value(char what, MqttEvent e, ZonedDateTime now) {
    var p = e.property();
    return switch (what) {
      case '%' -> "%";
      case 't' -> e.topic();
      case 'q' -> Integer.toString(e.qos());
      case 'r' -> e.retain() ? "1" : "0";
      case 'l' -> Integer.toString(e.dataLen());
      case 'm' -> Integer.toString(e.msgId());
      case 'x' -> HexFormat.of().formatHex(e.data());
      case 'X' -> HexFormat.of().withUpperCase().formatHex(e.data());
      case 'I' -> now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ"));
      case 'U' -> {
        Instant i = now.toInstant();
        yield String.format(Locale.ROOT, "%d.%09d", i.getEpochSecond(), i.getNano());
      }
      case 'P' -> {
        List<String> pairs = new ArrayList<>();
        for (UserProperty u : p.userProperties()) {
          pairs.add(u.name() + ":" + u.value());
        }
        yield String.join(" ", pairs);
      }
      case 'C' -> p.contentType() == null ? "" : p.contentType();
      case 'E' -> p.messageExpiryInterval() == null ? "" : p.messageExpiryInterval().toString();
      case 'F' -> p.payloadFormatIndicator() ? "1" : "";
      case 'R' -> p.responseTopic() == null ? "" : p.responseTopic();
      case 'D' ->
          p.correlationData() == null
              ? ""
              : new String(p.correlationData(), StandardCharsets.UTF_8);
      case 'S' -> String.join(",", p.subscribeIds().stream().map(String::valueOf).toList());
      case 'A' -> ""; // the client resolves topic aliases; none is left to show
      default -> throw new IllegalStateException("%" + what);
    };
  }

  private static String pad(Param q, String v) {
    if (q.precision() >= 0 && v.length() > q.precision()) {
      v = v.substring(0, q.precision());
    }
    if (v.length() >= q.width()) {
      return v;
    }
    String fill = (q.zero() && !v.isEmpty() ? "0" : " ").repeat(q.width() - v.length());
    return q.left() ? v + fill : fill + v;
  }

  private static String time(char what, ZonedDateTime t) {
    return switch (what) {
      case 'Y' -> t.format(DateTimeFormatter.ofPattern("yyyy"));
      case 'y' -> t.format(DateTimeFormatter.ofPattern("yy"));
      case 'm' -> t.format(DateTimeFormatter.ofPattern("MM"));
      case 'd' -> t.format(DateTimeFormatter.ofPattern("dd"));
      case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
      case 'H' -> t.format(DateTimeFormatter.ofPattern("HH"));
      case 'M' -> t.format(DateTimeFormatter.ofPattern("mm"));
      case 'S' -> t.format(DateTimeFormatter.ofPattern("ss"));
      case 'N' -> String.format(Locale.ROOT, "%09d", t.getNano());
      case 's' -> Long.toString(t.toEpochSecond());
      case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
      case 'z' -> t.format(DateTimeFormatter.ofPattern("xx"));
      case 'Z' -> t.format(DateTimeFormatter.ofPattern("zzz", Locale.ROOT));
      case 'F' -> t.format(DateTimeFormatter.ISO_LOCAL_DATE);
      case 'T' -> t.format(DateTimeFormatter.ofPattern("HH:mm:ss"));
      case 'a' -> t.format(DateTimeFormatter.ofPattern("EEE", Locale.ROOT));
      case 'A' -> t.format(DateTimeFormatter.ofPattern("EEEE", Locale.ROOT));
      case 'b' -> t.format(DateTimeFormatter.ofPattern("MMM", Locale.ROOT));
      case 'B' -> t.format(DateTimeFormatter.ofPattern("MMMM", Locale.ROOT));
      case 'p' -> t.getHour() < 12 ? "AM" : "PM";
      default -> throw new IllegalStateException("@" + what);
    };
  }
}
