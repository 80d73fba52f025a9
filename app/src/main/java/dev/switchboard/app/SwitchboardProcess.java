package dev.switchboard.app;

import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.CommandLauncher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
          + (Runtime.version().feature() >= 25 ? " -XX:+UseCompactObjectHeaders" : "");

  private SwitchboardProcess() {}

  /** The running JVM's java command, for the brokers compare starts. */
  static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static BrokerLauncher launcher() {
    String java = java();
    List<String> command = new ArrayList<>();
    command.add(java);
    String opts = System.getenv("SWITCHBOARD_JAVA_OPTS");
    command.addAll(Arrays.asList((opts == null ? DEFAULT_JAVA_OPTS : opts).trim().split("\\s+")));
    command.removeIf(String::isEmpty);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    // $SYS off, no store, anonymous clients on plain TCP only, as in the mosquitto configuration
    // compare writes (sys_interval 0, persistence false, one listener, allow_anonymous true).
    return new CommandLauncher(
        "switchboard",
        command,
        Map.ofEntries(
            Map.entry("SWITCHBOARD_SYS_INTERVAL", "0"),
            Map.entry("SWITCHBOARD_STORE_DURABILITY", "none"),
            Map.entry("SWITCHBOARD_AUTH_ALLOW__ANONYMOUS", "true"),
            Map.entry("SWITCHBOARD_LISTENERS_MQTTS_PORT", "off"),
            Map.entry("SWITCHBOARD_LISTENERS_WS_PORT", "off"),
            Map.entry("SWITCHBOARD_LISTENERS_WSS_PORT", "off"),
            Map.entry(
                "SWITCHBOARD_LIMITS_MAX__INFLIGHT", Integer.toString(BrokerLauncher.MAX_INFLIGHT)),
            Map.entry(
                "SWITCHBOARD_LIMITS_MAX__QUEUED__MESSAGES",
                Integer.toString(BrokerLauncher.MAX_QUEUED_MESSAGES)),
            Map.entry(
                "SWITCHBOARD_LIMITS_MAX__QUEUED__BYTES",
                Long.toString(BrokerLauncher.MAX_QUEUED_BYTES))));
  }
}
