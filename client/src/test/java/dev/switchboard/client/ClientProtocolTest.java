package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What only a scripted peer can show: retransmission with DUP, resending after a reconnect, keep
 * alive, exactly-once delivery of a QoS 2 message sent twice, and a broker that never answers.
 */
@ExtendWith(NettyLeakDetectorExtension.class)
@DisplayName("Client protocol behaviour against a scripted peer")
class ClientProtocolTest {

  private static MqttClientConfig.Builder config(FakeBroker fake) {
    return MqttClientConfig.builder()
        .broker(b -> b.uri(fake.uri()))
        .credentials(c -> c.clientId("proto"))
        .network(n -> n.reconnectTimeout(Duration.ofMillis(100)));
  }

  @Test
  @DisplayName("3.1.1: an unacknowledged QoS 1 PUBLISH is sent again with DUP and the same id")
  void retransmitWithDup() throws Exception {
    try (FakeBroker fake = new FakeBroker();
        MqttClient client =
            MqttClient.init(
                config(fake)
                    .session(s -> s.messageRetransmitTimeout(Duration.ofMillis(200)))
                    .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      fake.accept();
      fake.connAck(false);
      rec.await(MqttEventId.CONNECTED);
      int id = client.publish("t/1", "x", 1, false);
      FakeBroker.Packet first = fake.readType(3, 5000);
      assertThat(first.dup()).isFalse();
      assertThat(first.packetId()).isEqualTo(id);
      FakeBroker.Packet again = fake.readType(3, 5000);
      assertThat(again).isNotNull();
      assertThat(again.dup()).isTrue();
      assertThat(again.packetId()).isEqualTo(id);
      fake.pubAck(id);
      assertThat(rec.await(MqttEventId.PUBLISHED).msgId()).isEqualTo(id);
      assertThat(client.getOutboxSize()).isZero();
    }
  }

  @Test
  @DisplayName("5.0: no timed resending [MQTT-4.4.0-1]; after a reconnect with a session, DUP")
  void v5ResendsOnlyOnReconnect() throws Exception {
    try (FakeBroker fake = new FakeBroker();
        MqttClient client =
            MqttClient.init(
                config(fake)
                    .session(
                        s ->
                            s.protocolVer(MqttProtocolVersion.V_5)
                                .disableCleanSession(true)
                                .messageRetransmitTimeout(Duration.ofMillis(100)))
                    .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      fake.accept();
      fake.send(0x20, 3, 0, 0, 0); // v5 CONNACK, no properties
      rec.await(MqttEventId.CONNECTED);
      int id = client.publish("t/5", "x", 1, false);
      assertThat(fake.readType(3, 5000).dup()).isFalse();
      assertThat(fake.readType(3, 800)).as("no timed resend in MQTT 5").isNull();
      fake.dropConnection();
      rec.await(MqttEventId.DISCONNECTED);
      fake.accept();
      fake.send(0x20, 3, 1, 0, 0); // session present
      FakeBroker.Packet again = fake.readType(3, 5000);
      assertThat(again.dup()).isTrue();
      assertThat(again.packetId()).isEqualTo(id);
      fake.send(0x40, 3, id >> 8, id & 0xFF, 0); // PUBACK, reason 0
      assertThat(rec.await(MqttEventId.PUBLISHED).msgId()).isEqualTo(id);
    }
  }

  @Test
  @DisplayName(
      "A SUBSCRIBE and a QoS 1 PUBLISH made in the CONNECTED handler go once; an entry from before"
          + " the connection is sent again")
  void requestsFromTheConnectedHandlerGoOnce() throws Exception {
    try (FakeBroker fake = new FakeBroker();
        MqttClient client =
            MqttClient.init(
                config(fake)
                    .session(s -> s.messageRetransmitTimeout(Duration.ofSeconds(30)))
                    .build())) {
      Recorder rec = new Recorder();
      int[] fromHandler = new int[2];
      client.registerEvent(
          MqttEventId.CONNECTED,
          e -> {
            fromHandler[0] = client.subscribe("lab/led", 1);
            fromHandler[1] = client.publish("lab/hello", "hi", 1, false);
          });
      client.registerEvent(MqttEventId.ANY, rec);
      int before = client.enqueue("lab/early", "queued before connecting", 1, false, true);
      client.start();
      fake.accept();
      fake.connAck(false);
      rec.await(MqttEventId.CONNECTED);

      List<FakeBroker.Packet> got = new ArrayList<>();
      FakeBroker.Packet p;
      while ((p = fake.readAny(800)) != null) {
        got.add(p);
      }
      assertThat(got.stream().filter(x -> x.type() == 8).map(FakeBroker.Packet::packetId))
          .as("SUBSCRIBE ids")
          .containsExactly(fromHandler[0]);
      assertThat(got.stream().filter(x -> x.type() == 3).map(FakeBroker.Packet::packetId))
          .as("PUBLISH ids")
          .containsExactlyInAnyOrder(fromHandler[1], before);
    }
  }

  @Test
  @DisplayName("Keep alive: a PINGREQ when idle; no PINGRESP ends the connection with an error")
  void keepAlive() throws Exception {
    try (FakeBroker fake = new FakeBroker();
        MqttClient client =
            MqttClient.init(
                config(fake)
                    .session(s -> s.keepalive(2))
                    .network(n -> n.disableAutoReconnect(true))
                    .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      FakeBroker.Packet connect = fake.accept();
      assertThat(connect.body()[8] << 8 | connect.body()[9]).as("keep alive").isEqualTo(2);
      fake.connAck(false);
      rec.await(MqttEventId.CONNECTED);
      assertThat(fake.readType(12, 5000)).as("PINGREQ").isNotNull();
      // never answered
      MqttEvent error = rec.await(MqttEventId.ERROR);
      assertThat(error.errorHandle().errorType()).isEqualTo(MqttErrorType.TCP_TRANSPORT);
      assertThat(error.errorHandle().message()).contains("PINGRESP");
      rec.await(MqttEventId.DISCONNECTED);
      assertThat(client.getState()).isEqualTo(MqttClientState.WAIT_RECONNECT);
    }
  }

  @Test
  @DisplayName("QoS 2 in: a PUBLISH sent again before PUBREL is delivered once; PUBREC, PUBCOMP")
  void exactlyOnceIn() throws Exception {
    try (FakeBroker fake = new FakeBroker();
        MqttClient client = MqttClient.init(config(fake).build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      fake.accept();
      fake.connAck(false);
      rec.await(MqttEventId.CONNECTED);
      int[] publish = {0x34, 8, 0, 3, 'a', '/', 'b', 0, 7, 'X'}; // QoS 2, id 7, "a/b", "X"
      fake.send(publish);
      assertThat(fake.readType(5, 5000).packetId()).as("PUBREC").isEqualTo(7);
      publish[0] = 0x3C; // DUP
      fake.send(publish);
      assertThat(fake.readType(5, 5000).packetId()).as("PUBREC again").isEqualTo(7);
      fake.send(0x62, 2, 0, 7); // PUBREL
      assertThat(fake.readType(7, 5000).packetId()).as("PUBCOMP").isEqualTo(7);
      MqttEvent data = rec.await(MqttEventId.DATA);
      assertThat(data.topic()).isEqualTo("a/b");
      assertThat(data.dataAsString()).isEqualTo("X");
      assertThat(data.qos()).isEqualTo(2);
      assertThat(data.msgId()).isEqualTo(7);
      assertThat(rec.of(MqttEventId.DATA)).hasSize(1);
    }
  }

  @Test
  @DisplayName("No CONNACK within the network timeout: ERROR (ETIMEDOUT), DISCONNECTED")
  void noConnAck() throws Exception {
    try (FakeBroker fake = new FakeBroker();
        MqttClient client =
            MqttClient.init(
                config(fake)
                    .network(n -> n.timeout(Duration.ofMillis(500)).disableAutoReconnect(true))
                    .build())) {
      Recorder rec = new Recorder();
      client.registerEvent(MqttEventId.ANY, rec);
      client.start();
      fake.accept();
      rec.await(MqttEventId.DISCONNECTED);
      assertThat(rec.ids())
          .containsExactly(MqttEventId.BEFORE_CONNECT, MqttEventId.ERROR, MqttEventId.DISCONNECTED);
      MqttErrorCodes e = rec.of(MqttEventId.ERROR).get(0).errorHandle();
      assertThat(e.errorType()).isEqualTo(MqttErrorType.TCP_TRANSPORT);
      assertThat(e.sockErrno()).isEqualTo(110);
      assertThat(e.message()).contains("CONNACK");
    }
  }
}
