package dev.switchboard.app;

import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.CommandLauncher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code bench compare} starts Switchboard: this very distribution (the running JVM's java and
 * class path) in a child process of its own, with the launcher's JVM options, so that its memory
 * and CPU are measured apart from the load generator's.
 */
final class SwitchboardProcess {
  /**
   * The launcher script's defaults (see ./switchboard), for a JVM not started by it (tests, an
   * IDE). The launcher exports SWITCHBOARD_JAVA_OPTS as the options it ran this JVM with, its heap
   * and direct memory sizes included, so that under it the broker measured runs with those.
   */
  static final String DEFAULT_JAVA_OPTS =
      "-XX:+UseG1GC -Xmn32m -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
          + (Runtime.version().feature() >= 25 ? " -XX:+UseCompactObjectHeaders" : "")
          + (Runtime.version().feature() >= 23 ? " --sun-misc-unsafe-memory-access=allow" : "");

  private SwitchboardProcess() {}

  /** The running JVM's java command, for the brokers compare starts. */
  static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The java command line that runs this distribution's {@link Main}, arguments to follow. */
  static List<String> command() {
    String java = java();
    List<String> command = new ArrayList<>();
    command.add(java);
    String opts = System.getenv("SWITCHBOARD_JAVA_OPTS");
    command.addAll(Arrays.asList((opts == null ? DEFAULT_JAVA_OPTS : opts).trim().split("\\s+")));
    command.removeIf(String::isEmpty);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    return command;
  }

  /**
   * Switchboard as {@code switchboard start} sets it up on a fresh data directory (registry on,
   * anonymous clients refused, the strict store, $SYS on), with a device for the generator: {@code
   * bench compare --setup default}.
   */
  static BrokerLauncher defaultSetupLauncher() {
    return new DefaultSetupLauncher(command(), queueLimits());
  }

  /** The bounds every broker compare starts gets (BrokerLauncher's shared settings). */
  static Map<String, String> queueLimits() {
    return Map.of(
        "SWITCHBOARD_LIMITS_MAX__INFLIGHT", Integer.toString(BrokerLauncher.MAX_INFLIGHT),
        "SWITCHBOARD_LIMITS_MAX__QUEUED__MESSAGES",
            Integer.toString(BrokerLauncher.MAX_QUEUED_MESSAGES),
        "SWITCHBOARD_LIMITS_MAX__QUEUED__BYTES", Long.toString(BrokerLauncher.MAX_QUEUED_BYTES));
  }

  static BrokerLauncher launcher() {
    // $SYS off, no store, no HTTP, anonymous clients on plain TCP only, as in the mosquitto
    // configuration
    // compare writes (sys_interval 0, persistence false, one listener, allow_anonymous true).
    Map<String, String> env = mqttOnly();
    env.put("SWITCHBOARD_STORE_DURABILITY", "none");
    env.put("SWITCHBOARD_AUTH_ALLOW__ANONYMOUS", "true");
    return new CommandLauncher("switchboard", command(), env);
  }

  /**
   * The settings every benchmark's broker starts from: the queue bounds compare gives every broker,
   * $SYS off, and plain MQTT over TCP only (no TLS or WebSocket listener, no HTTP server beside it:
   * the broker alone is measured). A new map, for the caller to add to.
   */
  static Map<String, String> mqttOnly() {
    Map<String, String> env = new HashMap<>(queueLimits());
    env.put("SWITCHBOARD_SYS_INTERVAL", "0");
    env.put("SWITCHBOARD_LISTENERS_MQTTS_PORT", "off");
    env.put("SWITCHBOARD_LISTENERS_WS_PORT", "off");
    env.put("SWITCHBOARD_LISTENERS_WSS_PORT", "off");
    env.put("SWITCHBOARD_HTTP_PORT", "off");
    env.put("SWITCHBOARD_HTTP_HTTPS__PORT", "off");
    return env;
  }
}
