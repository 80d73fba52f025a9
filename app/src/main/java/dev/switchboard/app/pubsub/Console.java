package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttEvent;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;

/**
 * What pub and sub print on standard error besides usage errors: runtime errors (none with --quiet)
 * and, with -d, what the client does, in the words of mosquitto's debug lines.
 */
final class Console {
  private final PrintWriter err;
  private final boolean debug;
  private final boolean quiet;

  Console(PrintWriter err, boolean debug, boolean quiet) {
    this.err = err;
    this.debug = debug;
    this.quiet = quiet;
  }

  /** The client's own log lines would interleave with mosquitto's messages; warnings stay. */
  static void quietClientLog() {
    if (LoggerFactory.getLogger("dev.switchboard.client")
        instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** Prints a runtime error (not with --quiet). */
  void error(String line) {
    if (!quiet) {
      err.println(line);
      err.flush();
    }
  }

  /** Prints a debug line (with -d). */
  void debug(String line) {
    if (debug && !quiet) {
      err.println(line);
      err.flush();
    }
  }

  /** "Client ID" as mosquitto's debug lines name it. */
  static String who(MqttClient client) {
    String id = client.clientId();
    return "Client " + (id == null || id.isEmpty() ? "(null)" : id);
  }

  /** One line of a received or sent PUBLISH, as mosquitto's debug output shows it. */
  static String describe(MqttEvent e) {
    return String.format(
        "(d%d, q%d, r%d, m%d, '%s', ... (%d bytes))",
        e.dup() ? 1 : 0, e.qos(), e.retain() ? 1 : 0, e.msgId(), e.topic(), e.dataLen());
  }
}
