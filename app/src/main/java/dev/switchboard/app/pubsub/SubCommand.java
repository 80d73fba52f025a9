package dev.switchboard.app.pubsub;

import dev.switchboard.app.pubsub.MqttClientOptions.Resolved;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttConfigException;
import dev.switchboard.client.MqttErrorType;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttTopic;
import dev.switchboard.mqtt.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
      // picocli formats the footer with String.format: every % of the text is written %%
      "-F format: %%t topic, %%p payload, %%q QoS, %%r retained, %%l length, %%m message id, %%x/%%X"
          + " hex payload, %%I ISO-8601 time, %%U Unix time, MQTT 5: %%P user properties, %%C"
          + " content type, %%E message expiry, %%F payload format, %%R response topic, %%D"
          + " correlation data, %%S subscription ids; %%%% @@ \\n \\t \\0 \\\\ ...; @Y @m @d @H @M"
          + " @S @N ... (strftime subset); width and precision as in %%-10.10t."
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
    Console console = options.console(spec.commandLine().getErr());
    Resolved r;
    OutputFormat outputFormat;
    List<MqttTopic> subscriptions = new ArrayList<>();
    try {
      r = options.resolve(Tool.SUB, true);
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
        subscriptions.add(new MqttTopic(t, options.qos()));
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
      return MosquittoUsage.error(spec.commandLine(), e.getMessage());
    }
    Console.quietClientLog();
    Connection conn;
    try {
      conn = new Connection(r.config());
    } catch (MqttConfigException e) {
      console.error("Error: Problem setting TLS options: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    try (conn) {
      conn.disconnectWith(r.disconnectProperty());
      return new Run(conn, r, subscriptions, outputFormat, console).loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    } catch (IOException e) {
      // stdout is gone (a closed pipe): stop, as mosquitto_sub does
      return ExitCodes.FAILED;
    }
  }

  /** One run: the events in order, on this thread. */
  private final class Run {
    final Connection conn;
    final MqttClient client;
    final Resolved r;
    final List<MqttTopic> subscriptions;
    final OutputFormat outputFormat;
    final Console console;
    boolean everConnected;
    int subscribeMid = -1;
    int printed;

    Run(
        Connection conn,
        Resolved r,
        List<MqttTopic> subscriptions,
        OutputFormat outputFormat,
        Console console) {
      this.conn = conn;
      this.client = conn.client();
      this.r = r;
      this.subscriptions = subscriptions;
      this.outputFormat = outputFormat;
      this.console = console;
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
          console.error("Timed out");
          return ExitCodes.TIMED_OUT;
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
            console.debug(
                Console.who(client)
                    + " connecting to "
                    + r.broker()
                    + " (MQTT "
                    + r.versionName()
                    + ")");
        case CONNECTED -> {
          everConnected = true;
          console.debug(
              Console.who(client)
                  + " received CONNACK (0), session present: "
                  + (e.sessionPresent() ? 1 : 0));
          // Every connection subscribes, the first and any after a lost one, as mosquitto_sub.
          subscribeMid = client.subscribe(subscriptions, r.subscribeProperty());
          if (subscribeMid < 0) {
            console.error(
                "Error: the broker's CONNACK says it does not support what the filters ask for"
                    + " (wildcards, shared subscriptions or subscription identifiers).");
            return ExitCodes.FAILED;
          }
          for (MqttTopic t : subscriptions) {
            console.debug(
                Console.who(client)
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
          console.debug("Subscribed (mid: " + e.msgId() + "): " + String.join(", ", granted));
          if (!someAllowed) {
            // mosquitto_sub 2.0 says so and exits 0.
            console.error("All subscription requests were denied.");
            return 0;
          }
          if (exitAfterSubscribe) {
            return 0;
          }
        }
        case DATA -> {
          console.debug(Console.who(client) + " received PUBLISH " + Console.describe(e));
          return onMessage(e);
        }
        case ERROR -> {
          if (!everConnected || e.errorHandle().errorType() == MqttErrorType.CONNECTION_REFUSED) {
            ConnectFailure f = ConnectFailure.of(e.errorHandle(), r.v5());
            f.lines().forEach(line -> console.error(line));
            console.debug(Console.who(client) + ": " + e.errorHandle().message());
            return f.code();
          }
          console.debug(Console.who(client) + ": " + e.errorHandle().message());
        }
        case DISCONNECTED ->
            console.debug(
                Console.who(client)
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
  }
}
