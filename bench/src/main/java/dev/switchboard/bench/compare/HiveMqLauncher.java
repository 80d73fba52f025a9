package dev.switchboard.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HiveMQ Community Edition (its embedded artifact) in a JVM of its own, with settings equivalent to
 * those the comparison gives Mosquitto where HiveMQ has them: loopback listener, anonymous, in
 * memory, the same bound on queued messages, no usage statistics sent home.
 *
 * <p>The JVM is {@link HiveMqMain} on a class path that holds HiveMQ and its libraries; the broker
 * measured against it never has them on its own class path.
 */
public final class HiveMqLauncher implements BrokerLauncher {
  /**
   * A bounded heap of its own (HiveMQ's start script sets none, and a quarter of a large machine
   * hides a broker that cannot keep up under a flood: it grew to 8.8 GB), exit on the first
   * OutOfMemoryError so that the run is reported failed, and the options of HiveMQ's own start
   * script (bin/run.sh) that its code relies on.
   */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of(
          "-Xmx2g",
          "-XX:+UseG1GC",
          "-XX:+ExitOnOutOfMemoryError",
          // as Switchboard's defaults: JNA (system metrics) loads native code
          "--enable-native-access=ALL-UNNAMED",
          "-Djava.net.preferIPv4Stack=true",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.nio=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED");

  private final String java;
  private final String classPath;
  private final List<String> jvmOptions;

  /**
   * @param java the java command
   * @param classPath holds {@link HiveMqMain}, HiveMQ CE and its libraries
   * @param jvmOptions the JVM's options, e.g. {@link #DEFAULT_JVM_OPTIONS}
   */
  public HiveMqLauncher(String java, String classPath, List<String> jvmOptions) {
    this.java = java;
    this.classPath = classPath;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  @Override
  public String name() {
    return "hivemq";
  }

  @Override
  public BrokerProcess start(int port, Path dir) throws IOException, InterruptedException {
    Path conf = Files.createDirectories(dir.resolve("hivemq-conf"));
    Files.writeString(conf.resolve("config.xml"), config(port));
    Files.writeString(conf.resolve("logback.xml"), LOGBACK);
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    // Ours from the start: HiveMQ's jar and Switchboard's each hold a logback.xml, and logback
    // would print its whole status to say so before HiveMQ reads the one in its conf folder.
    cmd.add("-Dlogback.configurationFile=" + conf.resolve("logback.xml"));
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(HiveMqMain.class.getName());
    cmd.add(conf.toString());
    cmd.add(dir.resolve("hivemq-data").toString());
    cmd.add(dir.resolve("hivemq-extensions").toString());
    return BrokerProcess.start(
        name(), new ProcessBuilder(cmd), port, dir.resolve("hivemq.log"), 60);
  }

  /**
   * HiveMQ's config.xml. Mosquitto's other settings have no equivalent here: HiveMQ CE has no $SYS
   * topics, sets TCP_NODELAY itself, bounds queued messages by count only, and has no setting for
   * the messages in flight to a client (an internal constant, 50, or the client's Receive Maximum).
   */
  static String config(int port) {
    return String.join(
        "\n",
        "<?xml version=\"1.0\"?>",
        "<!-- Written by switchboard bench compare. -->",
        "<hivemq>",
        "  <listeners>",
        "    <tcp-listener>",
        "      <port>" + port + "</port>",
        "      <bind-address>127.0.0.1</bind-address>",
        "    </tcp-listener>",
        "  </listeners>",
        "  <mqtt>",
        "    <queued-messages>",
        "      <max-queue-size>" + MAX_QUEUED_MESSAGES + "</max-queue-size>",
        // Mosquitto, too, drops the new message when a client's queue is full.
        "      <strategy>discard</strategy>",
        "    </queued-messages>",
        // What a publisher may have unacknowledged: the default, 10, would throttle the
        // generator's 64 in flight per publisher where Mosquitto and Switchboard allow 128.
        "    <receive-maximum>",
        "      <server-receive-maximum>" + MAX_INFLIGHT + "</server-receive-maximum>",
        "    </receive-maximum>",
        "  </mqtt>",
        "  <persistence>",
        "    <mode>in-memory</mode>",
        "  </persistence>",
        "  <anonymous-usage-statistics>",
        "    <enabled>false</enabled>",
        "  </anonymous-usage-statistics>",
        "</hivemq>",
        "");
  }

  /** Warnings and errors only, as the comparison asks of Mosquitto (log_type error, warning). */
  private static final String LOGBACK =
      String.join(
          "\n",
          "<configuration>",
          "  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">",
          "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>",
          "  </appender>",
          "  <root level=\"WARN\"><appender-ref ref=\"CONSOLE\"/></root>",
          "</configuration>",
          "");
}
