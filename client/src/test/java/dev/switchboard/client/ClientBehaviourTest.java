package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.testing.MosquittoBroker;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ESP-MQTT's behaviour, against our broker and mosquitto. */
@ExtendWith(NettyLeakDetectorExtension.class)
@DisplayName("Client behaviour as ESP-MQTT's")
class ClientBehaviourTest {
  @TempDir static Path dir;
  static Brokers brokers;

  @BeforeAll
  static void start() throws Exception {
    brokers = new Brokers(dir);
  }

  @AfterAll
  static void stop() {
    brokers.close();
  }

  static Stream<Brokers.Target> tcpTargets() {
    return brokers.targets().stream().filter(t -> t.transport() == MqttTransport.TCP);
  }

  static Brokers.Target ours() {
    return brokers.targets().get(0);
  }

  /** A started client with a recorder, connected. */
  private static MqttClient connected(MqttClientConfig config, Recorder rec) {
    MqttClient c = MqttClient.init(config);
    c.registerEvent(MqttEventId.ANY, rec);
    c.start();
    rec.await(MqttEventId.CONNECTED);
    return c;
  }

  private static MqttClient subscriber(Brokers.Target t, String id, String filter, Recorder rec) {
    MqttClient c = connected(brokers.config(t, id).build(), rec);
    c.subscribe(filter, 2);
    rec.await(MqttEventId.SUBSCRIBED);
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpTargets")
  @DisplayName("QoS 0, 1 and 2 round trips: DATA carries topic, data, QoS, retain and message id")
  void roundTrips(Brokers.Target t) {
    t.assumeAvailable();
    Recorder subRec = new Recorder();
    Recorder pubRec = new Recorder();
    try (MqttClient sub = subscriber(t, "rt-sub", "rt/#", subRec);
        MqttClient pub = connected(brokers.config(t, "rt-pub").build(), pubRec)) {
      assertThat(pub.publish("rt/0", "zero", 0, false)).isZero();
      int id1 = pub.publish("rt/1", "one", 1, false);
      int id2 = pub.publish("rt/2", "two".getBytes(StandardCharsets.UTF_8), 2, false);
      assertThat(id1).isPositive();
      assertThat(id2).isPositive().isNotEqualTo(id1);
      pubRec.awaitCount(MqttEventId.PUBLISHED, 2);
      assertThat(pubRec.of(MqttEventId.PUBLISHED).stream().map(MqttEvent::msgId))
          .containsExactlyInAnyOrder(id1, id2);
      subRec.awaitCount(MqttEventId.DATA, 3);
      List<MqttEvent> data = subRec.of(MqttEventId.DATA);
      assertThat(data.stream().map(MqttEvent::topic)).containsExactly("rt/0", "rt/1", "rt/2");
      assertThat(data.stream().map(MqttEvent::dataAsString)).containsExactly("zero", "one", "two");
      assertThat(data.stream().map(MqttEvent::qos)).containsExactly(0, 1, 2);
      assertThat(data.get(0).msgId()).isZero();
      assertThat(data.get(1).msgId()).isPositive();
      assertThat(data).allMatch(e -> e.isComplete() && !e.retain() && e.totalDataLen() > 0);
      assertThat(pub.getOutboxSize()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpTargets")
  @DisplayName(
      "A payload larger than the buffer arrives as several DATA events, topic in the first")
  void fragmentedData(Brokers.Target t) {
    t.assumeAvailable();
    Recorder subRec = new Recorder();
    byte[] payload = new byte[250];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    try (MqttClient sub =
            connected(brokers.config(t, "frag-sub").buffer(b -> b.size(100)).build(), subRec);
        MqttClient pub = connected(brokers.config(t, "frag-pub").build(), new Recorder())) {
      sub.subscribe("frag/t", 1);
      subRec.await(MqttEventId.SUBSCRIBED);
      pub.publish("frag/t", payload, 1, false);
      subRec.awaitCount(MqttEventId.DATA, 3);
      List<MqttEvent> parts = subRec.of(MqttEventId.DATA);
      assertThat(parts.stream().map(MqttEvent::currentDataOffset)).containsExactly(0, 100, 200);
      assertThat(parts.stream().map(MqttEvent::dataLen)).containsExactly(100, 100, 50);
      assertThat(parts).allMatch(e -> e.totalDataLen() == 250);
      assertThat(parts.get(0).topic()).isEqualTo("frag/t");
      assertThat(parts.get(1).topic()).isNull();
      assertThat(parts.get(2).topic()).isNull();
      byte[] joined = new byte[250];
      for (MqttEvent e : parts) {
        System.arraycopy(e.data(), 0, joined, e.currentDataOffset(), e.dataLen());
      }
      assertThat(joined).isEqualTo(payload);
    }
  }

  @Test
  @DisplayName("Extension: reassembled DATA gives one event whatever the buffer size")
  void reassembledData() {
    Recorder subRec = new Recorder();
    byte[] payload = new byte[5000];
    Arrays.fill(payload, (byte) 'z');
    try (MqttClient sub =
            connected(
                brokers
                    .config(ours(), "whole-sub")
                    .buffer(b -> b.size(100))
                    .extensions(e -> e.reassembleData(true))
                    .build(),
                subRec);
        MqttClient pub = connected(brokers.config(ours(), "whole-pub").build(), new Recorder())) {
      sub.subscribe("whole/t", 0);
      subRec.await(MqttEventId.SUBSCRIBED);
      pub.publish("whole/t", payload, 0, false);
      MqttEvent e = subRec.await(MqttEventId.DATA);
      assertThat(e.data()).isEqualTo(payload);
      assertThat(e.isComplete()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "Before connecting: subscribe -1, QoS 0 publish -1, QoS 1 queued and sent on connect")
  void beforeConnected() {
    Recorder subRec = new Recorder();
    try (MqttClient sub = subscriber(ours(), "early-sub", "early/#", subRec);
        MqttClient client = MqttClient.init(brokers.config(ours(), "early").build())) {
      assertThat(client.getState()).isEqualTo(MqttClientState.INIT);
      assertThat(client.subscribe("early/x", 0)).isEqualTo(-1);
      assertThat(client.unsubscribe("early/x")).isEqualTo(-1);
      assertThat(client.publish("early/0", "lost", 0, false)).isEqualTo(-1);
      int id = client.publish("early/1", "kept", 1, false);
      assertThat(id).isPositive();
      assertThat(client.getOutboxSize()).isPositive();
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      assertThat(rec.await(MqttEventId.PUBLISHED).msgId()).isEqualTo(id);
      MqttEvent data = subRec.await(MqttEventId.DATA);
      assertThat(data.topic()).isEqualTo("early/1");
      assertThat(data.dataAsString()).isEqualTo("kept");
      assertThat(subRec.of(MqttEventId.DATA)).hasSize(1);
    }
  }

  @Test
  @DisplayName("enqueue: QoS 0 only with store; sent by the task thread")
  void enqueue() {
    Recorder subRec = new Recorder();
    try (MqttClient sub = subscriber(ours(), "enq-sub", "enq/#", subRec);
        MqttClient client = connected(brokers.config(ours(), "enq").build(), new Recorder())) {
      assertThat(client.enqueue("enq/0", "no", 0, false, false)).isEqualTo(-1);
      assertThat(client.enqueue("enq/0", "stored", 0, false, true)).isZero();
      assertThat(client.enqueue("enq/1", "one", 1, false, false)).isPositive();
      subRec.awaitCount(MqttEventId.DATA, 2);
      assertThat(subRec.of(MqttEventId.DATA).stream().map(MqttEvent::dataAsString))
          .containsExactly("stored", "one");
    }
  }

  @Test
  @DisplayName("Outbox limit: -2 once the bytes of pending QoS 1 messages would pass it")
  void outboxLimit() {
    try (MqttClient client =
        MqttClient.init(brokers.config(ours(), "full").outbox(o -> o.limit(200)).build())) {
      byte[] payload = new byte[60];
      int accepted = 0;
      int result;
      while ((result = client.publish("full/t", payload, 1, false)) > 0) {
        accepted++;
      }
      assertThat(result).isEqualTo(-2);
      assertThat(accepted).isEqualTo(2); // 2 x (60 + topic and header) fit in 200 bytes
      assertThat(client.getOutboxSize()).isLessThanOrEqualTo(200).isPositive();
      assertThat(client.publish("full/t", payload, 0, false))
          .as("QoS 0 not connected")
          .isEqualTo(-1);
    }
  }

  @Test
  @DisplayName("All 65,535 packet ids held by unacknowledged messages: -2, not an exception")
  void packetIdsExhausted() {
    try (MqttClient client = MqttClient.init(brokers.config(ours(), "ids").build())) {
      for (int i = 0; i < 65535; i++) {
        assertThat(client.publish("ids/t", "x", 1, false)).isPositive();
      }
      assertThat(client.publish("ids/t", "x", 1, false)).isEqualTo(-2);
      assertThat(client.enqueue("ids/t", "x", 2, false, false)).isEqualTo(-2);
    }
  }

  @Test
  @DisplayName("Outbox expiry: a message never acknowledged is deleted with a DELETED event")
  void outboxExpiry() throws IOException {
    int closedPort = freePort();
    MqttClientConfig config =
        MqttClientConfig.builder()
            .broker(b -> b.uri("mqtt://127.0.0.1:" + closedPort))
            .credentials(c -> c.clientId("expiry"))
            .outbox(o -> o.expiry(Duration.ofMillis(300)))
            .network(n -> n.reconnectTimeout(Duration.ofMillis(100)))
            .build();
    try (MqttClient client = MqttClient.init(config)) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      int id = client.publish("gone/t", "x", 1, false);
      client.start();
      MqttEvent deleted = rec.await(MqttEventId.DELETED);
      assertThat(deleted.msgId()).isEqualTo(id);
      assertThat(client.getOutboxSize()).isZero();
      MqttEvent error = rec.await(MqttEventId.ERROR);
      assertThat(error.errorHandle().errorType()).isEqualTo(MqttErrorType.TCP_TRANSPORT);
      assertThat(error.errorHandle().sockErrno()).as("ECONNREFUSED").isEqualTo(111);
    }
  }

  @Test
  @DisplayName("A refused SUBSCRIBE: SUBSCRIBED with the 0x80 code and error type SUBSCRIBE_FAILED")
  void subscribeFailed() {
    Authorizer noSecrets =
        new Authorizer() {
          @Override
          public boolean canPublish(ClientIdentity client, String topic) {
            return true;
          }

          @Override
          public boolean canSubscribe(ClientIdentity client, String filter) {
            return !filter.startsWith("secret");
          }
        };
    try (TestBroker broker = TestBroker.start(c -> c, new AnonymousAuthenticator(true), noSecrets);
        MqttClient client =
            connected(
                MqttClientConfig.builder()
                    .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
                    .build(),
                new Recorder())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.SUBSCRIBED, rec);
      int id = client.subscribe(List.of(new MqttTopic("open/t", 1), new MqttTopic("secret/t", 1)));
      MqttEvent e = rec.await(MqttEventId.SUBSCRIBED);
      assertThat(e.msgId()).isEqualTo(id);
      assertThat(e.data()).containsExactly(1, 0x80);
      assertThat(e.errorHandle().errorType()).isEqualTo(MqttErrorType.SUBSCRIBE_FAILED);
    }
  }

  @Test
  @DisplayName("Mosquitto refuses a wrong password: ERROR CONNECTION_REFUSED (not authorised)")
  void connectionRefused() {
    Assumptions.assumeTrue(MosquittoBroker.available(), () -> MosquittoBroker.skipReason().get());
    try (MosquittoBroker m =
            MosquittoBroker.builder().allowAnonymous(false).user("device_1", "right").start();
        MqttClient client =
            MqttClient.init(
                MqttClientConfig.builder()
                    .broker(b -> b.uri("mqtt://device_1:wrong@127.0.0.1:" + m.port()))
                    .network(n -> n.disableAutoReconnect(true))
                    .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      rec.await(MqttEventId.DISCONNECTED);
      assertThat(rec.ids())
          .containsExactly(MqttEventId.BEFORE_CONNECT, MqttEventId.ERROR, MqttEventId.DISCONNECTED);
      MqttErrorCodes e = rec.of(MqttEventId.ERROR).get(0).errorHandle();
      assertThat(e.errorType()).isEqualTo(MqttErrorType.CONNECTION_REFUSED);
      assertThat(e.connectReturnCode()).isEqualTo(MqttConnectReturnCode.REFUSE_NOT_AUTHORIZED);
      assertThat(e.connectReasonCode()).isEqualTo(5);
      assertThat(client.getState()).isEqualTo(MqttClientState.WAIT_RECONNECT);
    }
  }

  @Test
  @DisplayName("TLS without the broker's CA: ERROR TCP_TRANSPORT saying why the handshake failed")
  void tlsFailure() {
    Brokers.Target tls = brokers.targets().get(1);
    try (MqttClient client =
        MqttClient.init(
            MqttClientConfig.builder()
                .broker(b -> b.uri(tls.uri()))
                .network(n -> n.disableAutoReconnect(true))
                .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      MqttErrorCodes e = rec.await(MqttEventId.ERROR).errorHandle();
      assertThat(e.errorType()).isEqualTo(MqttErrorType.TCP_TRANSPORT);
      assertThat(e.tlsFailure()).isNotBlank();
      assertThat(e.message()).startsWith("TLS handshake failed");
    }
  }

  @Test
  @DisplayName(
      "TLS to a port without TLS: ERROR TCP_TRANSPORT with a TLS failure, not a bare close")
  void tlsToPlainPort() {
    Brokers.Target plain = ours();
    Brokers.Target asTls =
        new Brokers.Target(
            "switchboard", MqttTransport.SSL, plain.uri().replace("mqtt:", "mqtts:"));
    try (MqttClient client =
        MqttClient.init(
            brokers
                .config(asTls, "tls-plain")
                .network(n -> n.disableAutoReconnect(true))
                .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      MqttErrorCodes e = rec.await(MqttEventId.ERROR).errorHandle();
      assertThat(e.errorType()).isEqualTo(MqttErrorType.TCP_TRANSPORT);
      assertThat(e.tlsFailure()).isNotBlank();
    }
  }

  @Test
  @DisplayName(
      "TLS with the CA but a name the certificate lacks fails; skip_cert_common_name_check")
  void tlsNameCheck() {
    Brokers.Target tls = brokers.targets().get(1);
    MqttClientConfig wrongName =
        brokers
            .config(tls, "cn")
            .broker(b -> b.verification(v -> v.commonName("other.example")))
            .network(n -> n.disableAutoReconnect(true))
            .build();
    try (MqttClient client = MqttClient.init(wrongName)) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      assertThat(rec.await(MqttEventId.ERROR).errorHandle().tlsFailure()).isNotBlank();
    }
    MqttClientConfig skip =
        brokers
            .config(tls, "cn-skip")
            .broker(
                b ->
                    b.verification(
                        v -> v.commonName("other.example").skipCertCommonNameCheck(true)))
            .build();
    try (MqttClient client = connected(skip, new Recorder())) {
      assertThat(client.getState()).isEqualTo(MqttClientState.CONNECTED);
    }
  }

  @Test
  @DisplayName("disconnect(): DISCONNECTED, then reconnects after the reconnect timeout")
  void disconnectThenAutoReconnect() {
    Recorder rec = new Recorder();
    try (MqttClient client =
        connected(
            brokers
                .config(ours(), "bye")
                .network(n -> n.reconnectTimeout(Duration.ofMillis(100)))
                .build(),
            rec)) {
      client.disconnect();
      rec.awaitCount(MqttEventId.CONNECTED, 2);
      assertThat(rec.ids())
          .containsSubsequence(
              MqttEventId.CONNECTED,
              MqttEventId.DISCONNECTED,
              MqttEventId.BEFORE_CONNECT,
              MqttEventId.CONNECTED);
      assertThat(rec.of(MqttEventId.ERROR)).isEmpty();
    }
  }

  @Test
  @DisplayName("Auto-reconnect disabled: stays disconnected until reconnect()")
  void reconnectOnRequest() {
    Recorder rec = new Recorder();
    try (MqttClient client =
        connected(
            brokers.config(ours(), "manual").network(n -> n.disableAutoReconnect(true)).build(),
            rec)) {
      assertThatThrownBy(client::reconnect).isInstanceOf(IllegalStateException.class);
      client.disconnect();
      rec.await(MqttEventId.DISCONNECTED);
      assertThat(client.getState()).isEqualTo(MqttClientState.WAIT_RECONNECT);
      client.reconnect();
      rec.awaitCount(MqttEventId.CONNECTED, 2);
    }
  }

  @Test
  @DisplayName("Refresh connection: a clean DISCONNECT and a new connection after the period")
  void refreshConnection() {
    Recorder rec = new Recorder();
    try (MqttClient client =
        connected(
            brokers
                .config(ours(), "fresh")
                .network(n -> n.refreshConnectionAfter(Duration.ofMillis(300)))
                .build(),
            rec)) {
      rec.awaitCount(MqttEventId.CONNECTED, 2);
      assertThat(rec.ids()).containsSubsequence(MqttEventId.DISCONNECTED, MqttEventId.CONNECTED);
      assertThat(rec.of(MqttEventId.ERROR)).isEmpty();
    }
  }

  @Test
  @DisplayName("Handlers may publish; stop() and destroy() from a handler are refused")
  void handlerRules() {
    AtomicReference<Throwable> fromHandler = new AtomicReference<>();
    Recorder rec = new Recorder();
    try (MqttClient client = MqttClient.init(brokers.config(ours(), "rules").build())) {
      client.registerEvent(
          MqttEventId.CONNECTED,
          e -> {
            try {
              e.client().stop();
            } catch (IllegalStateException ex) {
              fromHandler.set(ex);
            }
            e.client().dispatchCustomEvent(MqttEvent.user("hello".getBytes(), 42));
          });
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      MqttEvent user = rec.await(MqttEventId.USER);
      assertThat(user.dataAsString()).isEqualTo("hello");
      assertThat(user.msgId()).isEqualTo(42);
      assertThat(fromHandler.get()).hasMessageContaining("own event handler");
      assertThat(rec.threads).allMatch(t -> t.startsWith("mqtt_task"));
    }
  }

  @Test
  @DisplayName("unregisterEvent removes only that handler")
  void unregister() {
    Recorder kept = new Recorder();
    Recorder removed = new Recorder();
    Recorder later = new Recorder();
    try (MqttClient client = MqttClient.init(brokers.config(ours(), "unreg").build())) {
      client.registerEvent(MqttEventId.CONNECTED, kept);
      client.registerEvent(MqttEventId.CONNECTED, removed);
      client.unregisterEvent(MqttEventId.CONNECTED, removed);
      client.registerEvent(MqttEventId.USER, later);
      client.start();
      kept.await(MqttEventId.CONNECTED);
      // Events are handled one at a time, in order: once an event dispatched after CONNECTED has
      // been handled, every handler CONNECTED would run has run.
      client.dispatchCustomEvent(MqttEvent.user("after".getBytes(), 1));
      later.await(MqttEventId.USER);
      assertThat(removed.events).isEmpty();
    }
  }

  @Test
  @DisplayName("Life cycle: start twice, stop when not started, calls after destroy")
  void lifeCycle() {
    MqttClient client = MqttClient.init(brokers.config(ours(), "life").build());
    assertThatThrownBy(client::stop).isInstanceOf(IllegalStateException.class);
    client.start();
    assertThatThrownBy(client::start).hasMessageContaining("started already");
    client.stop();
    client.start(); // a stopped client starts again, as in ESP-MQTT
    client.destroy();
    assertThat(client.getState()).isEqualTo(MqttClientState.DESTROYED);
    assertThatThrownBy(client::start).hasMessageContaining("destroyed");
    assertThatThrownBy(() -> client.publish("t", "x", 1, false)).hasMessageContaining("destroyed");
    client.destroy(); // twice is harmless
  }

  @Test
  @DisplayName("Default client id: ESP32_ and the MAC's last three bytes; setNullClientId: empty")
  void clientIds() {
    MqttClient byMac =
        MqttClient.init(
            MqttClientConfig.builder()
                .broker(b -> b.uri("mqtt://127.0.0.1:1"))
                .deviceMac(new byte[] {0x24, 0x0A, (byte) 0xC4, (byte) 0xAB, (byte) 0xCD, 0x0E})
                .build());
    assertThat(byMac.clientId()).isEqualTo("ESP32_abCD0E");
    byMac.destroy();
    Recorder rec = new Recorder();
    try (MqttClient empty =
        connected(
            brokers
                .config(ours(), null)
                .credentials(c -> c.setNullClientId(true))
                .session(s -> s.protocolVer(MqttProtocolVersion.V_5))
                .build(),
            rec)) {
      assertThat(empty.clientId()).as("assigned by the broker").isNotEmpty();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
