package dev.switchboard.broker.interop;

import static dev.switchboard.broker.interop.InteropSupport.SYSTEM_PYTHON;
import static dev.switchboard.broker.interop.InteropSupport.assumeAvailable;
import static dev.switchboard.broker.interop.InteropSupport.clientId;
import static dev.switchboard.broker.interop.InteropSupport.firstLineOf;
import static dev.switchboard.broker.interop.InteropSupport.reportMissing;
import static dev.switchboard.broker.interop.InteropSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.interop.InteropSupport.ExternalProcess;
import dev.switchboard.broker.interop.InteropSupport.Received;
import dev.switchboard.broker.testing.TestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's python3-paho-mqtt, run by /usr/bin/python3 (the pyenv python3 on PATH lacks it), against
 * the broker over MQTT 3.1.1 and 5.0. Skipped, saying why, when either is missing.
 */
@DisplayName("Interop: python3-paho-mqtt")
class PythonPahoInteropTest {

  /**
   * One client per run: {@code sub} prints each message and exits after {@code --count}; {@code
   * pub} publishes its {@code --message QOS RETAIN PAYLOAD}s in order, each acknowledged before the
   * next. Works with paho-mqtt 1.x and 2.x (whose callbacks take extra arguments, hence *rest).
   */
  private static final String SCRIPT =
      """
      import argparse, os, sys, threading
      import paho.mqtt.client as mqtt

      def out(*fields):
          print("\\t".join(str(f) for f in fields), flush=True)

      def code(rc):
          return getattr(rc, "value", rc)

      p = argparse.ArgumentParser()
      p.add_argument("mode", choices=["sub", "pub"])
      p.add_argument("--port", type=int, required=True)
      p.add_argument("--id", required=True)
      p.add_argument("--protocol", choices=["311", "5"], required=True)
      p.add_argument("--topic", required=True)
      p.add_argument("--qos", type=int, default=0)
      p.add_argument("--count", type=int, default=1)
      p.add_argument("--message", nargs=3, action="append", default=[])
      p.add_argument("--will", nargs=3, metavar=("TOPIC", "QOS", "PAYLOAD"))
      args = p.parse_args()

      # Never outlive a test that forgot us
      threading.Timer(15, lambda: os._exit(3)).start()

      v5 = args.protocol == "5"
      kwargs = {"client_id": args.id, "protocol": mqtt.MQTTv5 if v5 else mqtt.MQTTv311}
      if not v5:
          kwargs["clean_session"] = True
      if hasattr(mqtt, "CallbackAPIVersion"):
          client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, **kwargs)
      else:
          client = mqtt.Client(**kwargs)
      if args.will:
          client.will_set(args.will[0], args.will[2], int(args.will[1]), False)

      connected = threading.Event()
      received = []

      def on_connect(c, userdata, flags, rc, *rest):
          out("CONNECTED", code(rc))
          if code(rc) != 0:
              os._exit(2)
          if args.mode == "sub":
              c.subscribe(args.topic, args.qos)
          connected.set()

      def on_subscribe(c, userdata, mid, granted, *rest):
          out("SUBSCRIBED", ",".join(str(code(g)) for g in granted))

      def on_message(c, userdata, m):
          out("MSG", m.topic, m.qos, int(m.retain), m.payload.decode("utf-8"))
          received.append(m)
          if len(received) >= args.count:
              c.disconnect()

      client.on_connect = on_connect
      client.on_subscribe = on_subscribe
      client.on_message = on_message
      if v5:
          client.connect("127.0.0.1", args.port, 30, clean_start=True)
      else:
          client.connect("127.0.0.1", args.port, 30)

      if args.mode == "sub":
          client.loop_forever()
      else:
          client.loop_start()
          if not connected.wait(10):
              os._exit(4)
          for qos, retain, payload in args.message:
              info = client.publish(args.topic, payload.encode("utf-8"), int(qos), retain == "1")
              info.wait_for_publish()
          out("PUBLISHED", len(args.message))
          client.disconnect()
          client.loop_stop()
      os._exit(0)
      """;

  @TempDir static Path scripts;
  private static Path script;
  private static TestBroker broker;

  private static Optional<String> missing;

  @BeforeAll
  static void checkPythonAndStartBroker() throws IOException {
    missing = reportMissing(pahoMissing());
    if (missing.isPresent()) {
      return;
    }
    script = scripts.resolve("paho_client.py");
    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    broker = TestBroker.start();
  }

  /** Why the Python tests cannot run here, or empty; prints the paho-mqtt version if they can. */
  private static Optional<String> pahoMissing() {
    if (!Files.isExecutable(SYSTEM_PYTHON)) {
      return Optional.of(SYSTEM_PYTHON + " is missing; install the Debian package python3");
    }
    Optional<String> version =
        firstLineOf(
            List.of(
                SYSTEM_PYTHON.toString(), "-c", "import paho.mqtt; print(paho.mqtt.__version__)"));
    if (version.isEmpty()) {
      return Optional.of(
          "paho.mqtt cannot be imported by "
              + SYSTEM_PYTHON
              + "; install the Debian package python3-paho-mqtt");
    }
    System.out.println("python3-paho-mqtt " + version.orElseThrow());
    return Optional.empty();
  }

  @BeforeEach
  void needsPythonPaho() {
    assumeAvailable(missing);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> command(
      String mode, String protocol, String id, String topic, String... extra) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                SYSTEM_PYTHON.toString(),
                script.toString(),
                mode,
                "--port",
                String.valueOf(broker.port()),
                "--id",
                id,
                "--protocol",
                protocol,
                "--topic",
                topic));
    cmd.addAll(Arrays.asList(extra));
    return cmd;
  }

  /** A subscriber that has its SUBACK when this returns. */
  private static ExternalProcess subscriber(
      String protocol, String topic, int qos, int count, String... extra) throws IOException {
    String id = clientId("pysub");
    List<String> cmd =
        command(
            "sub",
            protocol,
            id,
            topic,
            "--qos",
            String.valueOf(qos),
            "--count",
            String.valueOf(count));
    cmd.addAll(Arrays.asList(extra));
    ExternalProcess p = ExternalProcess.start("python sub " + id, cmd);
    String granted = p.awaitLine(line -> line.startsWith("SUBSCRIBED"));
    assertThat(granted).as("SUBACK").isEqualTo("SUBSCRIBED\t" + qos);
    return p;
  }

  /** Publishes {@code messages} (each "qos", "retain 0/1", "payload") in order from one client. */
  private static void publish(String protocol, String topic, String... messages)
      throws IOException {
    List<String> cmd = command("pub", protocol, clientId("pypub"), topic);
    for (int i = 0; i < messages.length; i += 3) {
      cmd.addAll(List.of("--message", messages[i], messages[i + 1], messages[i + 2]));
    }
    ExternalProcess pub = ExternalProcess.run("python pub", cmd);
    assertThat(pub.stdout()).contains("PUBLISHED\t" + messages.length / 3);
  }

  private static List<Received> messages(ExternalProcess sub) {
    List<Received> out = new ArrayList<>();
    for (String line : sub.stdout()) {
      if (line.startsWith("MSG\t")) {
        String[] f = line.split("\t", 5);
        out.add(new Received(f[1], f[4], Integer.parseInt(f[2]), f[3].equals("1")));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- tests

  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName("QoS 0, 1 and 2 publish and subscribe, in order [MQTT-3.8.4-8] [MQTT-4.6.0-6]")
  void qosLevels(String protocol) throws Exception {
    String t = topic("python-qos");
    try (ExternalProcess at2 = subscriber(protocol, t, 2, 3);
        ExternalProcess at1 = subscriber(protocol, t, 1, 3)) {
      publish(
          protocol, t, "0", "0", "python at 0", "1", "0", "python at 1", "2", "0", "python at 2");
      at2.awaitSuccess();
      at1.awaitSuccess();
      assertThat(messages(at2))
          .containsExactly(
              new Received(t, "python at 0", 0, false),
              new Received(t, "python at 1", 1, false),
              new Received(t, "python at 2", 2, false));
      assertThat(messages(at1))
          .containsExactly(
              new Received(t, "python at 0", 0, false),
              new Received(t, "python at 1", 1, false),
              new Received(t, "python at 2", 1, false));
    }
  }

  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName(
      "Retained messages are set, replaced and cleared [MQTT-3.3.1-5] [MQTT-3.3.1-10]"
          + " [MQTT-3.3.1-11]")
  void retained(String protocol) throws Exception {
    String t = topic("python-retained");
    publish(protocol, t, "1", "1", "first", "2", "1", "second");
    try (ExternalProcess sub = subscriber(protocol, t, 2, 1)) {
      sub.awaitSuccess();
      assertThat(messages(sub)).containsExactly(new Received(t, "second", 2, true));
    }

    publish(protocol, t, "0", "1", "");
    // Retained messages follow SUBACK on the subscriber's connection: if one were left, it would
    // come before a live message published after the SUBACK.
    try (ExternalProcess sub = subscriber(protocol, t, 1, 1)) {
      publish(protocol, t, "1", "0", "live");
      sub.awaitSuccess();
      assertThat(messages(sub)).containsExactly(new Received(t, "live", 1, false));
    }
  }

  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName("The will is published when the client is killed [MQTT-3.1.2-8]")
  void willWhenKilled(String protocol) throws Exception {
    String willTopic = topic("python-will");
    try (ExternalProcess watcher = subscriber(protocol, willTopic, 1, 1);
        ExternalProcess dying =
            ExternalProcess.start(
                "python with a will",
                command(
                    "sub",
                    protocol,
                    clientId("pydying"),
                    topic("python-idle"),
                    "--count",
                    "1000",
                    "--will",
                    willTopic,
                    "1",
                    "python killed"))) {
      dying.awaitLine(line -> line.startsWith("SUBSCRIBED"));
      dying.kill(); // SIGKILL: no DISCONNECT, the kernel closes the socket
      watcher.awaitSuccess();
      assertThat(messages(watcher))
          .containsExactly(new Received(willTopic, "python killed", 1, false));
    }
  }
}
