package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MQTT 5: properties one publish at a time, user properties, and the broker's CONNACK limits. */
@ExtendWith(NettyLeakDetectorExtension.class)
@DisplayName("MQTT 5 properties and limits")
class Mqtt5Test {
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

  private static MqttClient connected(MqttClientConfig config, Recorder rec) {
    MqttClient c = MqttClient.init(config);
    c.registerEvent(MqttEventId.ANY, rec);
    c.start();
    rec.await(MqttEventId.CONNECTED);
    return c;
  }

  private static MqttClientConfig v5(Brokers.Target t, String id) {
    return brokers.config(t, id).session(s -> s.protocolVer(MqttProtocolVersion.V_5)).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpTargets")
  @DisplayName("Publish properties reach the subscriber; a one-shot property is used once")
  void properties(Brokers.Target t) {
    t.assumeAvailable();
    Recorder subRec = new Recorder();
    try (MqttClient sub = connected(v5(t, "p5-sub"), subRec);
        MqttClient pub = connected(v5(t, "p5-pub"), new Recorder())) {
      sub.subscribe(
          List.of(new MqttTopic("p5/#", 1)),
          Mqtt5SubscribeProperty.builder().subscribeId(7).build());
      subRec.await(MqttEventId.SUBSCRIBED);
      pub.setPublishProperty(
          Mqtt5PublishProperty.builder()
              .contentType("application/json")
              .responseTopic("p5/reply")
              .correlationData(new byte[] {1, 2})
              .payloadFormatIndicator(true)
              .userProperty("unit", "celsius")
              .build());
      pub.publish("p5/a", "{\"t\":21}", 1, false);
      pub.publish("p5/b", "plain", 1, false);
      subRec.awaitCount(MqttEventId.DATA, 2);
      Mqtt5EventProperty first = subRec.of(MqttEventId.DATA).get(0).property();
      assertThat(first.contentType()).isEqualTo("application/json");
      assertThat(first.responseTopic()).isEqualTo("p5/reply");
      assertThat(first.correlationData()).containsExactly(1, 2);
      assertThat(first.payloadFormatIndicator()).isTrue();
      assertThat(first.userProperties()).containsExactly(new UserProperty("unit", "celsius"));
      assertThat(first.subscribeId()).isEqualTo(7);
      Mqtt5EventProperty second = subRec.of(MqttEventId.DATA).get(1).property();
      assertThat(second.contentType()).isNull();
      assertThat(second.userProperties()).isEmpty();
      assertThat(second.subscribeId()).isEqualTo(7);
    }
  }

  @Test
  @DisplayName("The broker's maximum QoS and retain availability are checked before sending")
  void connAckLimits() {
    try (TestBroker broker =
        TestBroker.start(c -> c.withMaxQos(1).withFeatures(false, true, true, true))) {
      Recorder rec = new Recorder();
      try (MqttClient c =
          connected(
              MqttClientConfig.builder()
                  .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
                  .session(s -> s.protocolVer(MqttProtocolVersion.V_5))
                  .build(),
              rec)) {
        assertThat(c.publish("lim/t", "x", 2, false)).as("QoS 2 above maximum QoS 1").isEqualTo(-1);
        assertThat(c.publish("lim/t", "x", 1, true)).as("retain not available").isEqualTo(-1);
        assertThat(c.publish("lim/t", "x", 1, false)).isPositive();
        rec.await(MqttEventId.PUBLISHED);
      }
    }
  }

  @Test
  @DisplayName("A DISCONNECT with a reason code from the broker is in the DISCONNECTED event")
  void disconnectReason() {
    try (TestBroker broker = TestBroker.start()) {
      Recorder rec = new Recorder();
      try (MqttClient c =
          connected(
              MqttClientConfig.builder()
                  .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
                  .credentials(cr -> cr.clientId("kicked"))
                  .session(s -> s.protocolVer(MqttProtocolVersion.V_5))
                  .network(n -> n.disableAutoReconnect(true))
                  .build(),
              rec)) {
        broker.broker().disconnect(id -> id.clientId().equals("kicked"), 0x98, "test");
        MqttEvent e = rec.await(MqttEventId.DISCONNECTED);
        assertThat(e.reasonCode()).isEqualTo(0x98);
        assertThat(e.errorHandle().disconnectReturnCode()).isEqualTo(0x98);
      }
    }
  }
}
