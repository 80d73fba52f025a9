package dev.switchboard.broker.interop;

import static dev.switchboard.broker.interop.InteropSupport.assumeAvailable;
import static dev.switchboard.broker.interop.InteropSupport.awaitOnline;
import static dev.switchboard.broker.interop.InteropSupport.awaitSubscribed;
import static dev.switchboard.broker.interop.InteropSupport.clientId;
import static dev.switchboard.broker.interop.InteropSupport.eventually;
import static dev.switchboard.broker.interop.InteropSupport.firstLineOf;
import static dev.switchboard.broker.interop.InteropSupport.missingCommand;
import static dev.switchboard.broker.interop.InteropSupport.reportMissing;
import static dev.switchboard.broker.interop.InteropSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.interop.InteropSupport.ExternalProcess;
import dev.switchboard.broker.interop.InteropSupport.Received;
import dev.switchboard.broker.testing.TestBroker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's mosquitto_pub and mosquitto_sub (libmosquitto) against the broker, over MQTT 3.1.1 and
 * 5.0. Skipped, saying why, when the mosquitto-clients package is not installed.
 */
@DisplayName("Interop: mosquitto_pub / mosquitto_sub")
class MosquittoClientsInteropTest {
  /** mosquitto_sub output: one line per message, fields that the assertions need. */
  private static final String FORMAT = "MSG|%t|%q|%r|%p";

  private static TestBroker broker;
  private static Optional<String> missing;

  @BeforeAll
  static void startBroker() {
    missing =
        reportMissing(
            missingCommand("mosquitto_sub", "the Debian package mosquitto-clients")
                .or(() -> missingCommand("mosquitto_pub", "the Debian package mosquitto-clients")));
    if (missing.isPresent()) {
      return;
    }
    System.out.println(
        "mosquitto clients: "
            + firstLineOf(List.of("sh", "-c", "mosquitto_sub --help | sed -n 2p"))
                .orElse("version unknown"));
    broker = TestBroker.start();
  }

  @BeforeEach
  void needsMosquittoClients() {
    assumeAvailable(missing);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> common(String tool, String version, String id) {
    return new ArrayList<>(
        List.of(
            tool, "-h", "127.0.0.1", "-p", String.valueOf(broker.port()), "-V", version, "-i", id));
  }

  /**
   * A mosquitto_sub that prints {@link #FORMAT} and gives up after 10 s by itself; started and
   * subscribed to {@code filter} before this returns.
   */
  private static ExternalProcess subscriber(
      String version, String id, String filter, int qos, String... extra) throws IOException {
    List<String> cmd = common("mosquitto_sub", version, id);
    cmd.addAll(List.of("-t", filter, "-q", String.valueOf(qos), "-F", FORMAT, "-W", "10"));
    cmd.addAll(Arrays.asList(extra));
    ExternalProcess p = ExternalProcess.start("mosquitto_sub " + id, cmd);
    try {
      awaitSubscribed(broker.broker(), id, sampleTopic(filter), p);
    } catch (AssertionError e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** A topic the filter matches, to ask the broker whether the subscription is in place. */
  private static String sampleTopic(String filter) {
    return filter.replace("/#", "/x").replace("+", "x");
  }

  private static void publish(
      String version, String topic, String payload, int qos, String... extra) throws IOException {
    List<String> cmd = common("mosquitto_pub", version, clientId("mpub"));
    cmd.addAll(List.of("-t", topic, "-q", String.valueOf(qos)));
    if (payload.isEmpty()) {
      cmd.add("-n"); // a zero-length payload
    } else {
      cmd.addAll(List.of("-m", payload));
    }
    cmd.addAll(Arrays.asList(extra));
    ExternalProcess.run("mosquitto_pub", cmd);
  }

  /** The {@link #FORMAT} lines of a subscriber, parsed. */
  private static List<Received> messages(ExternalProcess sub) {
    List<Received> out = new ArrayList<>();
    for (String line : sub.stdout()) {
      if (line.startsWith("MSG|")) {
        String[] f = line.split("\\|", 5);
        out.add(new Received(f[1], f[4], Integer.parseInt(f[2]), f[3].equals("1")));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- tests

  @ParameterizedTest(name = "-V {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName("QoS 0, 1 and 2 at min(published, granted); -C exits after the count")
  void qosLevelsAndCount(String version) throws Exception {
    String base = topic("mosq-qos");
    try (ExternalProcess at2 = subscriber(version, clientId("msub2"), base + "/#", 2, "-C", "3");
        ExternalProcess at1 = subscriber(version, clientId("msub1"), base + "/+", 1, "-C", "3")) {
      for (int qos = 0; qos <= 2; qos++) {
        publish(version, base + "/q" + qos, "mosquitto " + qos, qos);
      }
      at2.awaitSuccess();
      at1.awaitSuccess();

      assertThat(messages(at2))
          .containsExactlyInAnyOrder(
              new Received(base + "/q0", "mosquitto 0", 0, false),
              new Received(base + "/q1", "mosquitto 1", 1, false),
              new Received(base + "/q2", "mosquitto 2", 2, false));
      assertThat(messages(at1))
          .containsExactlyInAnyOrder(
              new Received(base + "/q0", "mosquitto 0", 0, false),
              new Received(base + "/q1", "mosquitto 1", 1, false),
              new Received(base + "/q2", "mosquitto 2", 1, false));
    }
  }

  @ParameterizedTest(name = "-V {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName("-v prints topic and payload")
  void verboseOutput(String version) throws Exception {
    String t = topic("mosq-verbose");
    String id = clientId("mverb");
    List<String> cmd = common("mosquitto_sub", version, id);
    cmd.addAll(List.of("-t", t, "-q", "1", "-v", "-C", "2", "-W", "10"));
    try (ExternalProcess sub = ExternalProcess.start("mosquitto_sub -v", cmd)) {
      awaitSubscribed(broker.broker(), id, t, sub);
      publish(version, t, "first line", 1);
      publish(version, t, "second", 2);
      sub.awaitSuccess();
      assertThat(sub.stdout()).containsExactly(t + " first line", t + " second");
    }
  }

  @ParameterizedTest(name = "-V {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName(
      "-r retains, a later -r replaces, -r -n clears [MQTT-3.3.1-5] [MQTT-3.3.1-10]"
          + " [MQTT-3.3.1-11]")
  void retained(String version) throws Exception {
    String t = topic("mosq-retained");
    publish(version, t, "old value", 1, "-r");
    publish(version, t, "new value", 2, "-r");
    try (ExternalProcess sub = subscriber(version, clientId("mret"), t, 2, "-C", "1")) {
      sub.awaitSuccess();
      assertThat(messages(sub)).containsExactly(new Received(t, "new value", 2, true));
    }

    publish(version, t, "", 1, "-r");
    // --retained-only exits at the first message without RETAIN, printing nothing for it
    try (ExternalProcess sub = subscriber(version, clientId("mret2"), t, 1, "--retained-only")) {
      publish(version, t, "live marker", 1);
      sub.awaitSuccess();
      assertThat(messages(sub)).as("no retained message left after clearing").isEmpty();
    }
  }

  @ParameterizedTest(name = "-V {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName("--will-topic: the will is published when the client is killed [MQTT-3.1.2-8]")
  void willWhenKilled(String version) throws Exception {
    String willTopic = topic("mosq-will");
    String dyingId = clientId("mdying");
    try (ExternalProcess watcher =
            subscriber(version, clientId("mwatch"), willTopic, 2, "-C", "1");
        ExternalProcess dying =
            ExternalProcess.start(
                "mosquitto_sub with a will",
                concat(
                    common("mosquitto_sub", version, dyingId),
                    "-t",
                    topic("mosq-idle"),
                    "--will-topic",
                    willTopic,
                    "--will-payload",
                    "killed " + version,
                    "--will-qos",
                    "2",
                    "-W",
                    "10"))) {
      awaitOnline(broker.broker(), dyingId);
      dying.kill(); // SIGKILL: no DISCONNECT, the kernel closes the socket
      watcher.awaitSuccess();
      assertThat(messages(watcher))
          .containsExactly(new Received(willTopic, "killed " + version, 2, false));
    }
  }

  @ParameterizedTest(name = "-V {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName(
      "-c: a persistent session receives what was published while it was away [MQTT-3.1.2-5]")
  void persistentSession(String version) throws Exception {
    String t = topic("mosq-offline");
    String id = clientId("mdurable");
    String[] persistent =
        version.equals("5") ? new String[] {"-c", "-x", "60"} : new String[] {"-c"};
    // -E: subscribe, then disconnect normally; the session stays
    try (ExternalProcess first = subscriber(version, id, t, 1, concat(persistent, "-E"))) {
      first.awaitSuccess();
    }
    eventually().until(() -> !broker.broker().sessions().get(id).isOnline());
    publish(version, t, "queued one", 1);
    publish(version, t, "queued two", 2);

    List<String> cmd = common("mosquitto_sub", version, id);
    cmd.addAll(List.of(persistent));
    cmd.addAll(List.of("-t", t, "-q", "1", "-F", FORMAT, "-C", "2", "-W", "10"));
    try (ExternalProcess again = ExternalProcess.start("mosquitto_sub again", cmd)) {
      again.awaitSuccess();
      assertThat(messages(again))
          .containsExactly(
              new Received(t, "queued one", 1, false), new Received(t, "queued two", 1, false));
    }
    // A clean connection ends the session
    ExternalProcess.run(
        "mosquitto_sub clean", concat(common("mosquitto_sub", version, id), "-t", t, "-E"));
    eventually().until(() -> broker.broker().sessions().get(id) == null);
  }

  @Test
  @DisplayName(
      "-V 5 -D: user properties, content type, response topic, correlation data, expiry and"
          + " subscription identifier reach the subscriber [MQTT-3.3.2-17] [MQTT-3.3.4-3]")
  void v5Properties() throws Exception {
    String t = topic("mosq-props");
    String id = clientId("mprops");
    List<String> cmd = common("mosquitto_sub", "5", id);
    cmd.addAll(
        List.of(
            "-t",
            t,
            "-q",
            "1",
            "-D",
            "subscribe",
            "subscription-identifier",
            "42",
            "-F",
            "%t|%q|%r|%P|%C|%R|%D|%S|%E|%p",
            "-C",
            "1",
            "-W",
            "10"));
    try (ExternalProcess sub = ExternalProcess.start("mosquitto_sub -D", cmd)) {
      awaitSubscribed(broker.broker(), id, t, sub);
      publish(
          "5",
          t,
          "{\"on\":true}",
          1,
          "-D",
          "publish",
          "user-property",
          "origin",
          "esp32",
          "-D",
          "publish",
          "content-type",
          "application/json",
          "-D",
          "publish",
          "response-topic",
          t + "/reply",
          "-D",
          "publish",
          "correlation-data",
          "req-17",
          "-D",
          "publish",
          "message-expiry-interval",
          "120");
      sub.awaitSuccess();
      assertThat(sub.stdout()).hasSize(1);
      String[] f = sub.stdout().get(0).split("\\|", 10);
      assertThat(f[0]).as("topic").isEqualTo(t);
      assertThat(f[1]).as("qos").isEqualTo("1");
      assertThat(f[2]).as("retain").isEqualTo("0");
      assertThat(f[3]).as("user property").isEqualTo("origin:esp32");
      assertThat(f[4]).as("content type").isEqualTo("application/json");
      assertThat(f[5]).as("response topic").isEqualTo(t + "/reply");
      assertThat(f[6]).as("correlation data").isEqualTo("req-17");
      assertThat(f[7]).as("subscription identifier").isEqualTo("42");
      assertThat(Integer.parseInt(f[8])).as("message expiry left").isBetween(118, 120);
      assertThat(f[9]).as("payload").isEqualTo("{\"on\":true}");
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> out = new ArrayList<>(head);
    out.addAll(Arrays.asList(tail));
    return out;
  }

  private static String[] concat(String[] head, String... tail) {
    String[] out = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
