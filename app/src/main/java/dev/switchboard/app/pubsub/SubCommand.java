package dev.switchboard.app.pubsub;

import dev.switchboard.app.pubsub.MqttClientOptions.Connection;
import dev.switchboard.app.pubsub.MqttClientOptions.Failure;
import dev.switchboard.app.pubsub.MqttClientOptions.Resolved;
import dev.switchboard.app.pubsub.MqttClientOptions.UsageError;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttConfigException;
import dev.switchboard.client.MqttErrorType;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttTopic;
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard sub}: mosquitto_sub on the Switchboard client. Subscribes, prints what
 * arrives, and exits with mosquitto_sub's codes: 0 done (-C, -E, --retained-only), 27 when -W ran
 * out, the CONNACK's code when the broker refused, 1 when there is no connection or bad usage.
 * After a lost connection it connects again and subscribes again, as mosquitto_sub does.
 */
@Command(
    name = "sub",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Subscribe to topics and print the messages that arrive: mosquitto_sub's flags and exit"
          + " codes, on Switchboard's MQTT client (MQTT 3.1, 3.1.1, 5; TCP, TLS, WebSocket)."
    },
    footer = {
      "",
      "Exit codes: 0 done; 1 bad usage or no connection; 7 connection lost before CONNACK;"
          + " 27 -W timed out; the CONNACK's code (e.g. 5, or 135 with -V 5) when refused.",
      "-F format: %t topic, %p payload, %q QoS, %r retained, %l length, %m message id, %x/%X"
          + " hex payload, %I ISO-8601 time, %U Unix time, MQTT 5: %P user properties, %C"
          + " content type, %E message expiry, %F payload format, %R response topic, %D"
          + " correlation data, %S subscription ids; %% @@ \\n \\t \\0 \\\\ ...; @Y @m @d @H @M"
          + " @S @N ... (strftime subset); width and precision as in %-10.10t."
    })
public final class SubCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin MqttClientOptions options;

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "FILTER",
      description = "A topic filter to subscribe to (repeatable).")
  List<String> topics = new ArrayList<>();

  @Option(
      names = {"-T", "--filter-out"},
      paramLabel = "FILTER",
      description = "Do not print messages whose topic matches this filter (repeatable).")
  List<String> filterOuts = new ArrayList<>();

  @Option(
      names = {"-v", "--verbose"},
      description = "Print 'topic payload' instead of the payload alone.")
  boolean verbose;

  @Option(names = "-N", description = "Print no newline after each message.")
  boolean noEol;

  @Option(
      names = "-F",
      paramLabel = "FORMAT",
      description = "Print each message in this format (see below); overrides -v.")
  String format;

  @Option(names = "-C", paramLabel = "COUNT", description = "Exit after printing COUNT messages.")
  Integer count;

  @Option(
      names = "-W",
      paramLabel = "SECONDS",
      description = "Exit with code 27 after this many seconds.")
  Integer timeout;

  @Option(names = "-R", description = "Do not print stale (retained) messages.")
  boolean noRetained;

  @Option(
      names = "--retained-only",
      description = "Print only retained messages; exit at the first message that is not.")
  boolean retainedOnly;

  @Option(names = "-E", description = "Exit once the subscriptions are acknowledged.")
  boolean exitAfterSubscribe;

  @Option(
      names = "--retain-as-published",
      description = "MQTT 5: the retain flag as the publisher set it (not 'stale').")
  boolean retainAsPublished;

  @Option(
      names = "--random-filter",
      paramLabel = "PERCENT",
      description = "Print each message with this chance, 0.1 to 100.")
  Double randomFilter;

  /** Where payloads go, as raw bytes (tests replace it). */
  OutputStream stdout = System.out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Resolved r;
    OutputFormat outputFormat;
    List<MqttTopic> subscriptions = new ArrayList<>();
    try {
      r = options.resolve(MqttClientOptions.Kind.SUB, true);
      List<String> all = new ArrayList<>();
      if (r.urlTopic() != null) {
        all.add(r.urlTopic());
      }
      all.addAll(topics);
      if (all.isEmpty()) {
        throw new UsageError("You must specify a topic to subscribe to.");
      }
      for (String t : all) {
        if (!Topics.isValidFilter(t)) {
          throw new UsageError(
              "Invalid subscription topic '" + t + "', are all '+' and '#' wildcards correct?");
        }
        subscriptions.add(new MqttTopic(t, options.qos));
      }
      for (String t : filterOuts) {
        if (!Topics.isValidFilter(t)) {
          throw new UsageError(
              "Invalid filter topic '" + t + "', are all '+' and '#' wildcards correct?");
        }
      }
      if (count != null && count < 1) {
        throw new UsageError("Invalid message count \"" + count + "\".");
      }
      if (timeout != null && timeout < 1) {
        throw new UsageError("Invalid timeout \"" + timeout + "\".");
      }
      if (noRetained && retainedOnly) {
        throw new UsageError("Combining '-R' and '--retained-only' makes no sense.");
      }
      if (retainAsPublished && !r.v5()) {
        throw new UsageError("--retain-as-published is MQTT 5 only; add -V 5.");
      }
      if (randomFilter != null && !(randomFilter >= 0.1 && randomFilter <= 100.0)) {
        throw new UsageError("Invalid --random-filter " + randomFilter + " (0.1 to 100.0).");
      }
      outputFormat = format == null ? null : OutputFormat.parse(format);
    } catch (UsageError e) {
      return MqttClientOptions.usageError(spec.commandLine(), e.getMessage());
    }
    MqttClientOptions.quietClientLog();
    Connection conn;
    try {
      conn = new Connection(r.config());
    } catch (MqttConfigException e) {
      options.error(err, "Error: Problem setting TLS options: " + e.getMessage());
      return MqttClientOptions.EXIT_FAILED;
    }
    try (conn) {
      conn.disconnectWith(r.disconnectProperty());
      return new Run(conn, r, subscriptions, outputFormat, err).loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MqttClientOptions.EXIT_FAILED;
    } catch (IOException e) {
      // stdout is gone (a closed pipe): stop, as mosquitto_sub does
      return MqttClientOptions.EXIT_FAILED;
    }
  }

  /** One run: the events in order, on this thread. */
  private final class Run {
    final Connection conn;
    final MqttClient client;
    final Resolved r;
    final List<MqttTopic> subscriptions;
    final OutputFormat outputFormat;
    final PrintWriter err;
    boolean everConnected;
    int subscribeMid = -1;
    int printed;

    Run(
        Connection conn,
        Resolved r,
        List<MqttTopic> subscriptions,
        OutputFormat outputFormat,
        PrintWriter err) {
      this.conn = conn;
      this.client = conn.client();
      this.r = r;
      this.subscriptions = subscriptions;
      this.outputFormat = outputFormat;
      this.err = err;
    }

    int loop() throws InterruptedException, IOException {
      // The -W clock starts with the connection attempt (mosquitto: after connect() returns).
      long deadline =
          timeout == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
      conn.start();
      while (true) {
        long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        Object item = left <= 0 ? null : conn.take(left);
        if (item == null) {
          options.error(err, "Timed out");
          return MqttClientOptions.EXIT_TIMED_OUT;
        }
        Integer exit = handle((MqttEvent) item);
        if (exit != null) {
          return exit;
        }
      }
    }

    /** One event; an exit code when the command is done. */
    private Integer handle(MqttEvent e) throws IOException {
      switch (e.eventId()) {
        case BEFORE_CONNECT ->
            options.debug(
                err,
                MqttClientOptions.who(client)
                    + " connecting to "
                    + r.broker()
                    + " (MQTT "
                    + version()
                    + ")");
        case CONNECTED -> {
          everConnected = true;
          options.debug(
              err,
              MqttClientOptions.who(client)
                  + " received CONNACK (0), session present: "
                  + (e.sessionPresent() ? 1 : 0));
          // Every connection subscribes, the first and any after a lost one, as mosquitto_sub.
          subscribeMid = client.subscribe(subscriptions, r.subscribeProperty());
          if (subscribeMid < 0) {
            options.error(
                err,
                "Error: the broker's CONNACK says it does not support what the filters ask for"
                    + " (wildcards, shared subscriptions or subscription identifiers).");
            return MqttClientOptions.EXIT_FAILED;
          }
          for (MqttTopic t : subscriptions) {
            options.debug(
                err,
                MqttClientOptions.who(client)
                    + " sending SUBSCRIBE (Mid: "
                    + subscribeMid
                    + ", Topic: "
                    + t.filter()
                    + ", QoS: "
                    + t.qos()
                    + ")");
          }
        }
        case SUBSCRIBED -> {
          if (e.msgId() != subscribeMid) {
            return null;
          }
          byte[] codes = e.data();
          List<String> granted = new ArrayList<>(codes.length);
          boolean someAllowed = false;
          for (byte b : codes) {
            int code = b & 0xFF;
            granted.add(Integer.toString(code));
            someAllowed |= code < 0x80;
          }
          options.debug(err, "Subscribed (mid: " + e.msgId() + "): " + String.join(", ", granted));
          if (!someAllowed) {
            // mosquitto_sub 2.0 says so and exits 0.
            options.error(err, "All subscription requests were denied.");
            return 0;
          }
          if (exitAfterSubscribe) {
            return 0;
          }
        }
        case DATA -> {
          options.debug(
              err,
              MqttClientOptions.who(client) + " received PUBLISH " + MqttClientOptions.describe(e));
          return onMessage(e);
        }
        case ERROR -> {
          if (!everConnected || e.errorHandle().errorType() == MqttErrorType.CONNECTION_REFUSED) {
            Failure f = MqttClientOptions.connectFailure(e.errorHandle(), r.v5());
            f.lines().forEach(line -> options.error(err, line));
            options.debug(err, MqttClientOptions.who(client) + ": " + e.errorHandle().message());
            return f.code();
          }
          options.debug(err, MqttClientOptions.who(client) + ": " + e.errorHandle().message());
        }
        case DISCONNECTED ->
            options.debug(
                err,
                MqttClientOptions.who(client)
                    + " disconnected"
                    + (e.errorHandle() != null ? ": " + e.errorHandle().message() : "")
                    + "; connecting again");
        default -> {
          // UNSUBSCRIBED, PUBLISHED, DELETED: not asked for
        }
      }
      return null;
    }

    /** mosquitto_sub's message callback: filters, prints, counts. */
    private Integer onMessage(MqttEvent e) throws IOException {
      if (retainedOnly && !e.retain()) {
        return 0;
      }
      if (e.retain() && noRetained) {
        return null;
      }
      for (String f : filterOuts) {
        if (Topics.matches(f, e.topic())) {
          return null;
        }
      }
      if (randomFilter != null && ThreadLocalRandom.current().nextDouble(100.0) >= randomFilter) {
        return null;
      }
      print(e);
      if (count != null && ++printed >= count) {
        return 0;
      }
      return null;
    }

    private void print(MqttEvent e) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(e.dataLen() + 64);
      boolean eol = !noEol;
      if (outputFormat != null) {
        outputFormat.write(line, e);
        if (eol) {
          line.write('\n');
        }
      } else if (verbose) {
        if (e.dataLen() > 0) {
          line.writeBytes(e.topic().getBytes(StandardCharsets.UTF_8));
          line.write(' ');
          line.writeBytes(e.data());
          if (eol) {
            line.write('\n');
          }
        } else if (eol) {
          line.writeBytes((e.topic() + " (null)\n").getBytes(StandardCharsets.UTF_8));
        }
      } else if (e.dataLen() > 0) {
        // mosquitto_sub prints nothing at all for an empty payload without -v
        line.writeBytes(e.data());
        if (eol) {
          line.write('\n');
        }
      }
      if (line.size() > 0) {
        stdout.write(line.toByteArray());
        stdout.flush();
      }
    }

    private String version() {
      return switch (r.version()) {
        case V_3_1 -> "3.1";
        case V_3_1_1 -> "3.1.1";
        case V_5 -> "5";
      };
    }
  }

  /**
   * mosquitto_sub's -F: %-parameters of the message (with flags, width and precision), helpers (%I,
   * %U), @-time fields (a subset of strftime) and \-escapes. Parsed once; an unknown sequence is a
   * usage error, not a surprise in the output.
   */
  static final class OutputFormat {
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
}
