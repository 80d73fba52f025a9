package dev.switchboard.app.pubsub;

import dev.switchboard.app.pubsub.MqttClientOptions.Resolved;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientState;
import dev.switchboard.client.MqttConfigException;
import dev.switchboard.client.MqttErrorType;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.mqtt.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard pub}: mosquitto_pub on the Switchboard client. Publishes one message (-m, -f,
 * -s, -n; --repeat times) or one per line of stdin (-l), waits for the broker's acknowledgement of
 * QoS 1 and 2 messages, disconnects, and exits with mosquitto_pub's codes: 0 done, the CONNACK's
 * code when the broker refused, 1 when there is no connection or bad usage, 7 when the connection
 * was lost before the work was done.
 */
@Command(
    name = "pub",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Publish a message: mosquitto_pub's flags and exit codes, on Switchboard's MQTT client"
          + " (MQTT 3.1, 3.1.1, 5; TCP, TLS, WebSocket)."
    },
    footer = {
      "",
      "Exit codes: 0 published (QoS 1 and 2: acknowledged); 1 bad usage or no connection;"
          + " 7 connection lost; the CONNACK's code (e.g. 5, or 135 with -V 5) when refused."
    })
public final class PubCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin MqttClientOptions options;

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "TOPIC",
      description = "The topic to publish to.")
  String topic;

  @Option(
      names = {"-m", "--message"},
      paramLabel = "MESSAGE",
      description = "The message.")
  List<String> messages = new ArrayList<>();

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Send the contents of a file as the message.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = {"-l", "--stdin-line"},
      description = "Send each line of stdin as a message (without its newline).")
  boolean lines;

  @Option(
      names = {"-s", "--stdin-file"},
      description = "Send the whole of stdin as one message.")
  boolean stdinFile;

  @Option(
      names = {"-n", "--null-message"},
      description = "Send an empty message.")
  boolean nullMessage;

  @Option(
      names = {"-r", "--retain"},
      description = "Retain the message (an empty one clears the retained message).")
  boolean retain;

  @Option(
      names = "-M",
      paramLabel = "COUNT",
      description = "-l: QoS 1 and 2 messages in flight at most (default 20).")
  int maxInflight = 20;

  @Option(
      names = "--repeat",
      paramLabel = "COUNT",
      description = "Publish the message (-m, -f, -s, -n) COUNT times.")
  int repeat = 1;

  @Option(
      names = "--repeat-delay",
      paramLabel = "SECONDS",
      description = "Wait this long after one repeated message is delivered before the next.")
  double repeatDelay;

  /** Where -l and -s read (tests replace it). */
  InputStream stdin = System.in;

  @Override
  public Integer call() {
    Console console = options.console(spec.commandLine().getErr());
    Resolved r;
    String target;
    byte[] payload = null;
    try {
      r = options.resolve(Tool.PUB, lines);
      int modes =
          messages.size()
              + files.size()
              + (lines ? 1 : 0)
              + (stdinFile ? 1 : 0)
              + (nullMessage ? 1 : 0);
      if (modes > 1) {
        throw new UsageError("Only one type of message can be sent at once.");
      }
      target = topic != null ? topic : r.urlTopic();
      if (target == null || modes == 0) {
        throw new UsageError("Both topic and message must be supplied.");
      }
      if (!Topics.isValidName(target)) {
        throw new UsageError("Invalid publish topic '" + target + "', does it contain '+' or '#'?");
      }
      if (maxInflight < 1 || maxInflight > 65535) {
        throw new UsageError("Invalid -M " + maxInflight + ": 1 to 65535 messages in flight.");
      }
      if (repeat < 1) {
        throw new UsageError("--repeat argument must be >0.");
      }
      if (!(repeatDelay >= 0) || Double.isInfinite(repeatDelay)) {
        throw new UsageError("--repeat-delay argument must be >=0.0.");
      }
    } catch (UsageError e) {
      return MosquittoUsage.error(spec.commandLine(), e.getMessage());
    }
    // As mosquitto_pub: the message is read before connecting.
    if (!messages.isEmpty()) {
      payload = messages.get(0).getBytes(StandardCharsets.UTF_8);
    } else if (!files.isEmpty()) {
      try {
        payload = Files.readAllBytes(files.get(0));
      } catch (IOException e) {
        console.error(
            "Error loading input file \"" + files.get(0) + "\": " + IoErrors.why(e) + ".");
        return ExitCodes.FAILED;
      }
    } else if (stdinFile) {
      try {
        payload = stdin.readAllBytes();
      } catch (IOException e) {
        console.error("Error loading input from stdin.");
        return ExitCodes.FAILED;
      }
    } else if (nullMessage) {
      payload = new byte[0];
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
      Run run = new Run(conn, r, target, console);
      return lines ? run.publishLines() : run.publishRepeated(payload);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    }
  }

  /** A line of stdin, for the command's thread. */
  private record Line(byte[] bytes) {}

  /** The end of stdin, or the error that ended it. */
  private record EndOfInput(IOException error) {}

  /** One run: the events (and lines of stdin) in order, on this thread. */
  private final class Run {
    final Connection conn;
    final MqttClient client;
    final Resolved r;
    final String target;
    final Console console;
    final Set<Integer> unacknowledged = new HashSet<>();

    /**
     * -l: lines read but not yet done with (published at QoS 0, or acknowledged): stdin is read no
     * further ahead, so the outbox stays small and acknowledgements are never stuck behind lines in
     * the inbox.
     */
    final Semaphore window = new Semaphore(maxInflight);

    boolean connected;
    int lastMid;

    /** Whether a lost connection ends the command (it does, unless -l). */
    final boolean lossIsFatal;

    Run(Connection conn, Resolved r, String target, Console console) {
      this.conn = conn;
      this.client = conn.client();
      this.r = r;
      this.target = target;
      this.console = console;
      this.lossIsFatal = !lines;
    }

    /** -m, -f, -s, -n: the message {@code repeat} times, each delivered before the next. */
    int publishRepeated(byte[] payload) throws InterruptedException {
      conn.start();
      Integer exit = awaitConnected();
      if (exit != null) {
        return exit;
      }
      for (int i = 0; i < repeat; i++) {
        if (i > 0 && repeatDelay > 0) {
          exit = pump(System.nanoTime() + (long) (repeatDelay * 1e9), false);
          if (exit != null) {
            return exit;
          }
        }
        exit = publish(payload);
        if (exit != null) {
          return exit;
        }
        exit = pump(Long.MAX_VALUE, false);
        if (exit != null) {
          return exit;
        }
      }
      return 0;
    }

    /** -l: each line as it is read; at the end of stdin, waits for the acknowledgements. */
    int publishLines() throws InterruptedException {
      conn.start();
      Integer exit = awaitConnected();
      if (exit != null) {
        return exit;
      }
      Thread.ofVirtual().name("switchboard-pub-stdin").start(this::readLines);
      return pump(Long.MAX_VALUE, true);
    }

    private void readLines() {
      try {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = stdin.read(buf)) >= 0) {
          int start = 0;
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              line.write(buf, start, i - start);
              window.acquire();
              conn.put(new Line(line.toByteArray()));
              line.reset();
              start = i + 1;
            }
          }
          line.write(buf, start, n - start);
        }
        if (line.size() > 0) {
          window.acquire();
          conn.put(new Line(line.toByteArray()));
        }
        conn.put(new EndOfInput(null));
      } catch (IOException e) {
        conn.put(new EndOfInput(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Until CONNECTED, or the exit code of a failed first connection. */
    private Integer awaitConnected() throws InterruptedException {
      while (true) {
        MqttEvent e = (MqttEvent) conn.take(Long.MAX_VALUE);
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
            connected = true;
            console.debug(Console.who(client) + " received CONNACK (0)");
            return null;
          }
          case ERROR -> {
            return refused(e);
          }
          default -> {
            // nothing else comes before the first CONNECTED
          }
        }
      }
    }

    private int refused(MqttEvent e) {
      ConnectFailure f = ConnectFailure.of(e.errorHandle(), r.v5());
      f.lines().forEach(line -> console.error(line));
      if (e.errorHandle().errorType() == MqttErrorType.CONNECTION_REFUSED) {
        console.error("Error: The connection was refused.");
      }
      console.debug(Console.who(client) + ": " + e.errorHandle().message());
      return f.code();
    }

    /**
     * Handles events (and, with {@code input}, lines) until the deadline (then null), or until
     * nothing is left to wait for (null; with input: the end of stdin and every acknowledgement,
     * then 0), or the command must end (its exit code).
     */
    private Integer pump(long deadline, boolean input) throws InterruptedException {
      boolean inputDone = !input;
      while (true) {
        if (deadline == Long.MAX_VALUE && inputDone && unacknowledged.isEmpty()) {
          return input ? Integer.valueOf(0) : null;
        }
        long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        Object item = conn.take(left);
        if (item == null) {
          return null;
        }
        Integer exit = null;
        if (item instanceof Line line) {
          exit = publish(line.bytes());
          if (!unacknowledged.contains(lastMid)) {
            window.release(); // QoS 0, or not published: done with
          }
        } else if (item instanceof EndOfInput end) {
          if (end.error() != null) {
            console.error("Error reading stdin: " + IoErrors.why(end.error()));
          }
          inputDone = true;
        } else {
          exit = handle((MqttEvent) item);
        }
        if (exit != null) {
          return exit;
        }
      }
    }

    private Integer handle(MqttEvent e) {
      switch (e.eventId()) {
        case PUBLISHED -> {
          if (!unacknowledged.remove(e.msgId())) {
            return null;
          }
          window.release();
          console.debug(
              Console.who(client)
                  + (options.qos() == 2 ? " received PUBCOMP (Mid: " : " received PUBACK (Mid: ")
                  + e.msgId()
                  + ", RC:"
                  + e.reasonCode()
                  + ")");
          if (e.reasonCode() >= 0x80) {
            console.error(
                "Warning: Publish "
                    + e.msgId()
                    + " failed: "
                    + ReasonStrings.reasonString(e.reasonCode())
                    + ".");
            if (e.property().reasonString() != null) {
              console.error(e.property().reasonString());
            }
          }
        }
        case DELETED -> {
          if (unacknowledged.remove(e.msgId())) {
            window.release();
          }
        }
        case CONNECTED -> {
          connected = true;
          console.debug(Console.who(client) + " received CONNACK (0)");
        }
        case DISCONNECTED -> {
          boolean was = connected;
          connected = false;
          console.debug(Console.who(client) + " disconnected");
          if (was && lossIsFatal) {
            console.error("Error: The connection was lost.");
            return ExitCodes.CONNECTION_LOST;
          }
        }
        case ERROR -> {
          if (e.errorHandle().errorType() == MqttErrorType.CONNECTION_REFUSED) {
            return refused(e);
          }
          console.debug(Console.who(client) + ": " + e.errorHandle().message());
        }
        default -> {
          // DATA and the rest: not asked for
        }
      }
      return null;
    }

    /** Publishes one message; an exit code when that failed. */
    private Integer publish(byte[] payload) {
      int qos = options.qos();
      lastMid = 0;
      int mid = client.publish(target, payload, qos, retain, r.publishProperty());
      if (mid == -2) {
        console.error("Error: the outbox is full: every packet identifier is held by a message.");
        return ExitCodes.FAILED;
      }
      if (mid < 0) {
        if (client.getState() != MqttClientState.CONNECTED) {
          if (!lossIsFatal && qos == 0) {
            return null; // -l while reconnecting: mosquitto_pub drops QoS 0 lines too
          }
          console.error("Error: The connection was lost.");
          return ExitCodes.CONNECTION_LOST;
        }
        console.error(
            "Error: the broker's limits refuse this message (its CONNACK: maximum QoS, retain"
                + " available, maximum packet size or topic alias maximum).");
        return ExitCodes.FAILED;
      }
      console.debug(
          String.format(
              "%s sending PUBLISH (d0, q%d, r%d, m%d, '%s', ... (%d bytes))",
              Console.who(client), qos, retain ? 1 : 0, mid, target, payload.length));
      if (qos > 0) {
        unacknowledged.add(mid);
        lastMid = mid;
      }
      return null;
    }
  }
}
