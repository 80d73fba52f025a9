package dev.switchboard.broker.transport;

import static dev.switchboard.broker.transport.TransportTestSupport.CONNACK_ACCEPTED;
import static dev.switchboard.broker.transport.TransportTestSupport.PINGREQ;
import static dev.switchboard.broker.transport.TransportTestSupport.PINGRESP;
import static dev.switchboard.broker.transport.TransportTestSupport.SYSTEM_PYTHON;
import static dev.switchboard.broker.transport.TransportTestSupport.TIMEOUT;
import static dev.switchboard.broker.transport.TransportTestSupport.connect;
import static dev.switchboard.broker.transport.TransportTestSupport.eventually;
import static dev.switchboard.broker.transport.TransportTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.TransportTestSupport.CapturingAuthenticator;
import dev.switchboard.broker.transport.TransportTestSupport.Result;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MQTT over WebSocket (ws) and secure WebSocket (wss) on path {@code /mqtt}: real clients
 * (python3-paho-mqtt, HiveMQ client), the upgrade's answers (404, subprotocols), and frames as MQTT
 * over WebSocket allows them to come [MQTT-6.0.0-1, MQTT-6.0.0-2].
 */
@DisplayName("Transport: MQTT over WebSocket and secure WebSocket")
class WebSocketListenerTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestBroker broker;
  private static final CapturingAuthenticator auth = new CapturingAuthenticator();

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "ws");
    TestPki.Issued server = pki.server("server", "localhost", "127.0.0.1");
    broker =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.ws("ws", 0))
                    .withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.files(server.certificateFile(), server.keyFile()))
                    // small enough to test the frame limit with
                    .withLimits(64 * 1024, 1024, 128, 1000, 64L * 1024 * 1024),
            auth);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static int port(String listener) {
    return broker.broker().port(listener);
  }

  /** A plain socket for ws, a TLS one (host name verified) for wss. */
  private static Socket socket(String listener) throws Exception {
    return listener.equals("wss")
        ? TlsListenerTest.tlsSocket(pki.clientContext(null), "localhost", port("wss"))
        : new Socket("127.0.0.1", port("ws"));
  }

  // ---------------------------------------------------------------- real clients

  private static final String PYTHON =
      """
      import os, sys, threading
      import paho.mqtt.client as mqtt
      port, path, topic, cafile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
      timer = threading.Timer(15, lambda: os._exit(3))
      timer.daemon = True
      timer.start()
      kwargs = {"client_id": "py-" + topic.rsplit("/", 1)[-1], "transport": "websockets"}
      if hasattr(mqtt, "CallbackAPIVersion"):
          c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, **kwargs)
      else:
          c = mqtt.Client(**kwargs)
      c.ws_set_options(path=path)
      if cafile != "-":
          c.tls_set(ca_certs=cafile)
      got = threading.Event()
      c.on_connect = lambda c, u, f, rc, *rest: c.subscribe(topic, 1)
      c.on_subscribe = lambda c, u, mid, granted, *rest: c.publish(topic, "hello over " + path, 1)
      def on_message(c, u, m):
          print(m.payload.decode(), flush=True)
          got.set()
      c.on_message = on_message
      c.connect("localhost", port, 30)
      c.loop_start()
      ok = got.wait(10)
      c.disconnect()
      c.loop_stop()
      sys.exit(0 if ok else 1)
      """;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "wss"})
  @DisplayName("python3-paho-mqtt (transport=websockets): publish and subscribe round trip")
  void pythonPaho(String listener) throws Exception {
    Optional<String> missing = TransportTestSupport.missingPythonPaho();
    if (missing.isPresent()) {
      System.out.println("SKIPPED: " + missing.get());
      Assumptions.abort(missing.get());
    }
    Path script = dir.resolve("ws_roundtrip.py");
    Files.writeString(script, PYTHON);
    String topic = "ws/python/" + unique("t");
    Result r =
        TransportTestSupport.run(
            List.of(
                SYSTEM_PYTHON.toString(),
                script.toString(),
                String.valueOf(port(listener)),
                "/mqtt",
                topic,
                listener.equals("wss") ? pki.caFile().toString() : "-"),
            TIMEOUT);
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.stdout().strip()).isEqualTo("hello over /mqtt");
    assertThat(auth.identities)
        .anyMatch(
            i ->
                i.clientId().equals("py-" + topic.substring(topic.lastIndexOf('/') + 1))
                    && i.listener().equals(listener));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "wss"})
  @DisplayName("HiveMQ client (MQTT 5) over WebSocket: publish and subscribe round trip")
  void hiveMq(String listener) throws Exception {
    var builder =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(unique("hive"))
            .serverHost("localhost")
            .serverPort(port(listener))
            .webSocketConfig()
            .serverPath("mqtt")
            .applyWebSocketConfig();
    if (listener.equals("wss")) {
      builder = builder.sslConfig().trustManagerFactory(pki.trustManagers()).applySslConfig();
    }
    Mqtt5BlockingClient client = builder.buildBlocking();
    List<String> got = new CopyOnWriteArrayList<>();
    client
        .toAsync()
        .publishes(
            MqttGlobalPublishFilter.ALL,
            p -> got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
    client.connect();
    try {
      client.subscribeWith().topicFilter("ws/hive").qos(MqttQos.EXACTLY_ONCE).send();
      // a payload above the size the broker writes apart from its header: two frames, one packet
      String big = "x".repeat(10_000);
      for (String payload : List.of("small", big)) {
        client
            .publishWith()
            .topic("ws/hive")
            .qos(MqttQos.EXACTLY_ONCE)
            .payload(payload.getBytes(StandardCharsets.UTF_8))
            .send();
      }
      eventually().until(() -> got.size() == 2);
      assertThat(got).containsExactly("small", big);
    } finally {
      client.disconnect();
    }
  }

  @Test
  @DisplayName("subprotocol mqttv3.1 is accepted (HiveMQ client, MQTT 3.1.1) and echoed")
  void mqttv31Subprotocol() throws Exception {
    Mqtt3BlockingClient client =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier(unique("v31"))
            .serverHost("localhost")
            .serverPort(port("ws"))
            .webSocketConfig()
            .serverPath("mqtt")
            .subprotocol("mqttv3.1")
            .applyWebSocketConfig()
            .buildBlocking();
    client.connect();
    client.disconnect();

    for (String offered : List.of("mqttv3.1", "mqttv3.1.1", "mqtt")) {
      try (RawWebSocket ws = RawWebSocket.upgrade(socket("ws"), "/mqtt", offered)) {
        assertThat(ws.status()).as(offered).isEqualTo(101);
        assertThat(ws.header("Sec-WebSocket-Protocol")).isEqualTo(offered);
      }
    }
    // a client offering several picks its first that the broker speaks
    try (RawWebSocket ws = RawWebSocket.upgrade(socket("ws"), "/mqtt", "chat, mqtt")) {
      assertThat(ws.status()).isEqualTo(101);
      assertThat(ws.header("Sec-WebSocket-Protocol")).isEqualTo("mqtt");
    }
  }

  @Test
  @DisplayName(
      "the Host header a client sent reaches the authenticator as the identity's server name, in"
          + " lower case without its port (what maps a client to its hub)")
  void hostHeaderIsTheServerName() throws Exception {
    String clientId = unique("host");
    try (RawWebSocket ws =
        RawWebSocket.upgrade(socket("ws"), "/mqtt", "mqtt", "Team3.Lab.Example:8083")) {
      assertThat(ws.status()).isEqualTo(101);
      ws.send(RawWebSocket.BINARY, true, TransportTestSupport.connect(clientId));
      assertThat(auth.await(clientId).serverName()).isEqualTo("team3.lab.example");
    }
  }

  // ---------------------------------------------------------------- refused upgrades

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "wss"})
  @DisplayName("a wrong path gets 404; no or another subprotocol gets 400")
  void refusedUpgrades(String listener) throws Exception {
    long before = broker.broker().metrics().webSocketUpgradesRefused.sum();
    try (RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/other", "mqtt")) {
      assertThat(ws.status()).isEqualTo(404);
    }
    try (RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/mqtt", null)) {
      assertThat(ws.status()).isEqualTo(400);
    }
    try (RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/mqtt", "chat")) {
      assertThat(ws.status()).isEqualTo(400);
    }
    eventually()
        .until(() -> broker.broker().metrics().webSocketUpgradesRefused.sum() == before + 3);
  }

  @Test
  @DisplayName("the JDK's WebSocket client sees 404 for a wrong path, and connects at /mqtt")
  void jdkClient() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try {
      var listener = new WebSocket.Listener() {};
      URI wrong = URI.create("ws://127.0.0.1:" + port("ws") + "/elsewhere");
      try {
        http.newWebSocketBuilder().subprotocols("mqtt").buildAsync(wrong, listener).join();
        throw new AssertionError("upgraded at a wrong path");
      } catch (CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
            .isEqualTo(404);
      }
      URI right = URI.create("ws://127.0.0.1:" + port("ws") + "/mqtt");
      WebSocket ws =
          http.newWebSocketBuilder().subprotocols("mqtt").buildAsync(right, listener).join();
      assertThat(ws.getSubprotocol()).isEqualTo("mqtt");
      ws.abort();
    } finally {
      http.close();
    }
  }

  // ---------------------------------------------------------------- frames

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "wss"})
  @DisplayName("a packet split over two frames, and as a fragmented message [MQTT-6.0.0-2]")
  void packetAcrossFrames(String listener) throws Exception {
    byte[] connect = connect(unique("split"));
    try (RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/mqtt", "mqtt")) {
      assertThat(ws.status()).isEqualTo(101);
      ws.sendBinary(java.util.Arrays.copyOfRange(connect, 0, 5));
      ws.sendBinary(java.util.Arrays.copyOfRange(connect, 5, connect.length));
      assertThat(ws.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);
    }
    byte[] again = connect(unique("frag"));
    try (RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/mqtt", "mqtt")) {
      ws.send(RawWebSocket.BINARY, false, java.util.Arrays.copyOfRange(again, 0, 3));
      ws.send(RawWebSocket.CONTINUATION, false, java.util.Arrays.copyOfRange(again, 3, 9));
      ws.send(
          RawWebSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(again, 9, again.length));
      assertThat(ws.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "wss"})
  @DisplayName("several packets in one frame [MQTT-6.0.0-2]")
  void packetsInOneFrame(String listener) throws Exception {
    try (RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/mqtt", "mqtt")) {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.writeBytes(connect(unique("two")));
      frame.writeBytes(PINGREQ);
      frame.writeBytes(PINGREQ);
      ws.sendBinary(frame.toByteArray());
      byte[] answers = ws.readMqtt(8);
      assertThat(answers)
          .containsExactly(
              CONNACK_ACCEPTED[0],
              CONNACK_ACCEPTED[1],
              CONNACK_ACCEPTED[2],
              CONNACK_ACCEPTED[3],
              PINGRESP[0],
              PINGRESP[1],
              PINGRESP[0],
              PINGRESP[1]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ws", "wss"})
  @DisplayName("a text frame closes that connection only [MQTT-6.0.0-1]")
  void textFrameCloses(String listener) throws Exception {
    try (RawWebSocket bystander = RawWebSocket.upgrade(socket(listener), "/mqtt", "mqtt");
        RawWebSocket ws = RawWebSocket.upgrade(socket(listener), "/mqtt", "mqtt")) {
      bystander.sendBinary(connect(unique("by")));
      assertThat(bystander.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);

      ws.sendBinary(connect(unique("text")));
      assertThat(ws.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);
      ws.send(RawWebSocket.TEXT, true, "{\"hello\":1}".getBytes(StandardCharsets.UTF_8));
      assertThat(ws.awaitClose()).as("close status: unsupported data").isEqualTo(1003);

      bystander.sendBinary(PINGREQ);
      assertThat(bystander.readMqtt(2)).containsExactly(PINGRESP);
    }
  }

  @Test
  @DisplayName("a frame above the largest packet size closes the connection (1009)")
  void frameAboveTheLimit() throws Exception {
    try (RawWebSocket ws = RawWebSocket.upgrade(socket("ws"), "/mqtt", "mqtt")) {
      ws.sendBinary(connect(unique("big")));
      assertThat(ws.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);
      ws.sendBinary(new byte[64 * 1024 + 1]);
      assertThat(ws.awaitClose()).isEqualTo(1009);
    }
  }
}
