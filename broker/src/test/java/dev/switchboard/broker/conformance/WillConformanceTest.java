package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.packet.Will;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("3.1.2.5 Will Message")
class WillConformanceTest extends ConformanceBase {

  private static Will will(String topic, String payload, int qos, boolean retain) {
    return new Will(topic, utf8(payload), qos, retain, NO_PROPS);
  }

  private static Will delayedWill(String topic, long delaySeconds) {
    return new Will(
        topic,
        utf8("gone"),
        0,
        false,
        MqttProperties.builder().willDelayInterval(delaySeconds).build());
  }

  private RawClient watch(MqttVersion v, String topic) {
    RawClient w = connect(v, "watcher");
    subscribeOk(w, topic, 2);
    return w;
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-8] the Will is published when the network connection closes without a"
          + " DISCONNECT")
  void publishedOnAbnormalClose(MqttVersion v) {
    RawClient watcher = watch(v, "will/abnormal");
    RawClient c = connect(v, "dying", true, NO_PROPS, will("will/abnormal", "bye", 1, false));
    c.drop();
    Publish p = receive(watcher);
    assertThat(text(p)).isEqualTo("bye");
    assertThat(p.qos()).isEqualTo(1);
    assertThat(p.retain()).isFalse();
    watcher.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-10] [MQTT-3.14.4-3] (3.1.1) [MQTT-3.1.2-10] [MQTT-3.14.4-3] (5.0) a normal"
          + " DISCONNECT discards the Will")
  void notPublishedOnDisconnect(MqttVersion v) {
    RawClient watcher = watch(v, "will/normal");
    RawClient c = connect(v, "leaving", true, NO_PROPS, will("will/normal", "bye", 0, false));
    disconnect(c);
    expectNothingBeforeMarker(watcher, "will/normal");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-12] (3.1.1) without the Will Flag nothing is published when the connection"
          + " ends")
  void noWillNoPublication(MqttVersion v) {
    RawClient watcher = watch(v, "#");
    RawClient c = connect(v, "plain");
    c.drop();
    expectNothingBeforeMarker(watcher, "will/marker");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-8] [MQTT-4.8.0-1] the Will is published when the server closes the connection"
          + " for a protocol violation")
  void publishedOnProtocolViolation(MqttVersion v) {
    RawClient watcher = watch(v, "will/violation");
    RawClient c = connect(v, "violator", true, NO_PROPS, will("will/violation", "oops", 0, false));
    c.sendBytes(bytes(0x32, 0x03, 0x00, 0x01, '#')); // QoS 1 PUBLISH to "#", cut short
    c.awaitClose(CLOSE);
    assertThat(text(expectPublish(watcher))).isEqualTo("oops");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-16] [MQTT-3.1.2-17] (3.1.1) [MQTT-3.1.2-14] [MQTT-3.1.2-15] (5.0) Will Retain"
          + " decides whether the Will is published as a retained message")
  void willRetain(MqttVersion v) {
    RawClient retained = connect(v, "r", true, NO_PROPS, will("will/retained", "r", 0, true));
    RawClient plain = connect(v, "p", true, NO_PROPS, will("will/plain", "p", 0, false));
    RawClient watcher = watch(v, "will/+");
    retained.drop();
    plain.drop();
    for (int i = 0; i < 2; i++) {
      assertThat(expectPublish(watcher).retain()).as("established subscription").isFalse();
    }
    RawClient late = connect(v, "late");
    subscribeOk(late, "will/+", 0);
    Publish p = expectPublish(late);
    assertThat(p.topic()).isEqualTo("will/retained");
    assertThat(p.retain()).isTrue();
    late.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.4-2] (3.1.1) [MQTT-3.1.4-3] [MQTT-3.1.2-8] (5.0) a takeover with a clean start"
          + " ends the session: the old connection's Will (no Will Delay) is published")
  void publishedOnTakeoverWithCleanStart(MqttVersion v) {
    RawClient watcher = watch(v, "will/takeover");
    RawClient first =
        connect(v, "same-id", false, persistentProps(v), will("will/takeover", "first", 0, false));
    RawClient second = connect(v, "same-id", true, NO_PROPS, null);
    first.awaitClose(CLOSE);
    assertThat(text(expectPublish(watcher))).isEqualTo("first");
    second.drop(); // second has no will
    expectNothingBeforeMarker(watcher, "will/takeover");
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.4-2] (3.1.1) a takeover that resumes the session publishes the old connection's"
          + " Will: 3.1.1 has no Will Delay")
  void publishedOnResumingTakeover311() {
    RawClient watcher = watch(V311, "will/takeover");
    RawClient first =
        connect(
            V311,
            "same-id",
            false,
            persistentProps(V311),
            will("will/takeover", "first", 0, false));
    RawClient second = connect(V311, "same-id", false, persistentProps(V311), null);
    first.awaitClose(CLOSE);
    assertThat(text(expectPublish(watcher))).isEqualTo("first");
    second.drop();
    expectNothingBeforeMarker(watcher, "will/takeover");
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.3-9] (5.0) a takeover that resumes the session is a new connection to it before"
          + " the Will Delay (0) has passed: the old connection's Will is not published")
  void notPublishedOnResumingTakeover5() {
    RawClient watcher = watch(V5, "will/takeover");
    RawClient first =
        connect(
            V5, "same-id", false, persistentProps(V5), will("will/takeover", "first", 0, false));
    RawClient second = connect(V5, "same-id", false, persistentProps(V5), null);
    first.awaitClose(CLOSE);
    expectNothingBeforeMarker(watcher, "will/takeover");
    second.drop(); // second has no will: still nothing
    expectNothingBeforeMarker(watcher, "will/takeover");
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-8] (5.0) DISCONNECT with Reason Code 0x04 asks for the Will to be published")
  void disconnectWithWill() {
    RawClient watcher = watch(V5, "will/asked");
    RawClient c = connect(V5, "asker", true, NO_PROPS, will("will/asked", "as asked", 0, false));
    c.send(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE, NO_PROPS));
    c.awaitClose(CLOSE);
    assertThat(text(expectPublish(watcher))).isEqualTo("as asked");
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.3-9] (5.0) a Will is not published when the client reconnects within the Will"
          + " Delay Interval")
  void notPublishedWhenReconnectedWithinDelay() {
    RawClient watcher = watch(V5, "will/delayed");
    MqttProperties expiry = MqttProperties.builder().sessionExpiryInterval(60L).build();
    RawClient c = connect(V5, "flaky", false, expiry, delayedWill("will/delayed", 1));
    c.drop();
    RawClient back = open(V5);
    ConnAck ack = connAck(back, "flaky", false, expiry, null);
    assertThat(ack.sessionPresent()).isTrue();
    expectNothingBeforeMarker(
        watcher, "will/delayed", Duration.ofMillis(1300)); // past the original delay
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-8] (5.0) a Will with a Will Delay Interval is published when the delay has"
          + " passed")
  void publishedAfterDelay() {
    RawClient watcher = watch(V5, "will/later");
    MqttProperties expiry = MqttProperties.builder().sessionExpiryInterval(60L).build();
    RawClient c = connect(V5, "slow", false, expiry, delayedWill("will/later", 1));
    long dropped = System.nanoTime();
    c.drop();
    watcher.expectNothing(Duration.ofMillis(700));
    assertThat(text(expectPublish(watcher))).isEqualTo("gone");
    assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isGreaterThan(Duration.ofMillis(900));
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-8] (5.0) the Will is published when the session ends before the Will Delay"
          + " Interval")
  void publishedWhenSessionEnds() {
    RawClient watcher = watch(V5, "will/session");
    MqttProperties expiry = MqttProperties.builder().sessionExpiryInterval(1L).build();
    RawClient c = connect(V5, "short", false, expiry, delayedWill("will/session", 60));
    c.drop();
    watcher.expectNothing(Duration.ofMillis(600));
    assertThat(text(expectPublish(watcher))).isEqualTo("gone");
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-8] (5.0) a Will with a delay is published at once when a new connection with"
          + " Clean Start 1 ends the session")
  void publishedWhenCleanStartEndsSession() {
    RawClient watcher = watch(V5, "will/clean");
    MqttProperties expiry = MqttProperties.builder().sessionExpiryInterval(60L).build();
    RawClient c = connect(V5, "restart", false, expiry, delayedWill("will/clean", 60));
    c.drop();
    watcher.expectNothing(QUIET);
    RawClient fresh = open(V5);
    assertThat(connAck(fresh, "restart", true, NO_PROPS, null).sessionPresent()).isFalse();
    assertThat(text(expectPublish(watcher))).isEqualTo("gone");
  }

  @Test
  @DisplayName(
      "[MQTT-3.3.2-4] [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-20] (5.0) the"
          + " Will's properties are forwarded, and its Message Expiry Interval starts when it is"
          + " published")
  void willProperties() {
    RawClient watcher = watch(V5, "will/props");
    MqttProperties props =
        MqttProperties.builder()
            .payloadFormatIndicator(1)
            .contentType("text/plain")
            .responseTopic("will/reply")
            .correlationData(utf8("corr"))
            .messageExpiryInterval(1L)
            .userProperties(List.of(new UserProperty("k", "v1"), new UserProperty("k", "v2")))
            .build();
    RawClient c =
        connect(V5, "props", true, NO_PROPS, new Will("will/props", utf8("ü"), 1, false, props));
    watcher.expectNothing(Duration.ofMillis(1300)); // longer than the will's expiry interval
    c.drop();
    Publish p = receive(watcher);
    MqttProperties got = p.properties();
    assertThat(got.payloadFormatIndicator()).isEqualTo(1);
    assertThat(got.contentType()).isEqualTo("text/plain");
    assertThat(got.responseTopic()).isEqualTo("will/reply");
    assertThat(got.correlationData()).isEqualTo(utf8("corr"));
    assertThat(got.userProperties())
        .containsExactly(new UserProperty("k", "v1"), new UserProperty("k", "v2"));
    assertThat(got.messageExpiryInterval()).isEqualTo(1L);
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-8] (5.0) a Will is not published twice when its delay and the session end"
          + " coincide")
  void publishedOnce() {
    RawClient watcher = watch(V5, "will/once");
    MqttProperties expiry = MqttProperties.builder().sessionExpiryInterval(1L).build();
    RawClient c = connect(V5, "once", false, expiry, delayedWill("will/once", 1));
    c.drop();
    assertThat(text(expectPublish(watcher))).isEqualTo("gone");
    watcher.expectNothing(Duration.ofMillis(700));
  }
}
