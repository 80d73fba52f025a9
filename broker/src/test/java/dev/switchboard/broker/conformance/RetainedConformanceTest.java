package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;

@DisplayName("3.3.1.3 RETAIN")
class RetainedConformanceTest extends ConformanceBase {

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-8] (3.1.1) [MQTT-3.3.1-5] [MQTT-3.3.1-9] (5.0)"
          + " a retained message is stored and sent with RETAIN 1 to a new subscription, after the"
          + " SUBACK")
  void storedAndSentOnSubscribe(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/a", "kept", 1, true);
    RawClient sub = connect(v, "sub");
    sub.send(new Subscribe(3, List.of(new Subscription("ret/a", 1)), NO_PROPS));
    assertThat(sub.expect(SubAck.class).packetId()).as("SUBACK comes first").isEqualTo(3);
    Publish p = receive(sub);
    assertThat(p.retain()).isTrue();
    assertThat(p.qos()).isEqualTo(1);
    assertThat(text(p)).isEqualTo("kept");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-5] [MQTT-3.3.1-7] (3.1.1) [MQTT-3.3.1-5] (5.0) a retained message replaces the"
          + " previous one, also at QoS 0")
  void replaced(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/r", "first", 2, true);
    publish(pub, "ret/r", "second", 0, true);
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "ret/r", 2);
    Publish p = receive(sub);
    assertThat(text(p)).isEqualTo("second");
    assertThat(p.qos()).isZero();
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-10] [MQTT-3.3.1-11] (3.1.1) [MQTT-3.3.1-6] [MQTT-3.3.1-7] (5.0) a retained"
          + " zero-byte payload is delivered as normal, clears the retained message and is not"
          + " stored")
  void emptyPayloadClears(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/c", "old", 1, true);
    RawClient existing = connect(v, "existing");
    subscribeOk(existing, "ret/c", 1);
    assertThat(receive(existing).retain()).isTrue();

    publish(pub, "ret/c", "", 1, true);
    Publish cleared = receive(existing);
    assertThat(cleared.payload()).isEmpty();
    assertThat(cleared.retain()).as("delivered as normal to an established subscription").isFalse();

    RawClient late = connect(v, "late");
    subscribeOk(late, "ret/c", 1);
    expectNothingBeforeMarker(late, "ret/c");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-12] (3.1.1) [MQTT-3.3.1-8] (5.0) a PUBLISH without RETAIN neither stores nor"
          + " replaces nor removes the retained message")
  void nonRetainedLeavesStore(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/n", "retained", 0, true);
    publish(pub, "ret/n", "live", 0, false);
    publish(pub, "ret/n", "", 0, false);
    publish(pub, "ret/other", "live only", 0, false);
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "ret/+", 0);
    assertThat(text(expectPublish(sub))).isEqualTo("retained");
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-9] (3.1.1) [MQTT-3.3.1-12] (5.0) RETAIN is 0 on messages for an established"
          + " subscription, however they were published")
  void retainClearedForEstablished(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "ret/e", 1);
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/e", "x", 1, true);
    assertThat(receive(sub).retain()).isFalse();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-6] (3.1.1) [MQTT-3.3.1-9] (5.0) a wildcard subscription gets every matching"
          + " retained message, '$' topics excepted [MQTT-4.7.2-1], at min(QoS, granted QoS)")
  void wildcardRetained(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "house/kitchen/temp", "21", 2, true);
    publish(pub, "house/hall/temp", "19", 1, true);
    publish(pub, "house/hall/humidity", "40", 0, true);
    publish(pub, "garden/temp", "12", 2, true);
    publish(pub, "$internal/temp", "secret", 0, true);
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "+/+/temp", 1);
    Set<String> got = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      Publish p = receive(sub);
      assertThat(p.retain()).isTrue();
      assertThat(p.qos()).isEqualTo(1);
      got.add(p.topic() + "=" + text(p));
    }
    assertThat(got).containsExactlyInAnyOrder("house/kitchen/temp=21", "house/hall/temp=19");
    sub.expectNothing(QUIET);

    RawClient all = connect(v, "all");
    subscribeOk(all, "#", 0);
    for (int i = 0; i < 4; i++) {
      assertThat(expectPublish(all).topic()).doesNotStartWith("$");
    }
    all.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.8.4-3] (3.1.1) [MQTT-3.8.4-4] (5.0) subscribing again re-sends the retained"
          + " messages")
  void resubscribeResends(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/again", "v", 0, true);
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "ret/again", 0);
    assertThat(expectPublish(sub).retain()).isTrue();
    subscribeOk(sub, "ret/again", 0);
    assertThat(expectPublish(sub).retain()).isTrue();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-7] (3.1.1) retained messages are not part of the session: they outlive the"
          + " publisher's session")
  void retainedOutliveSession(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    publish(pub, "ret/s", "stays", 1, true);
    disconnect(pub);
    RawClient again = connect(v, "pub"); // clean: the old session is gone
    disconnect(again);
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "ret/s", 1);
    assertThat(text(receive(sub))).isEqualTo("stays");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-6] (3.1.1) the retained messages of a SUBSCRIBE with many filters all follow"
          + " its single SUBACK")
  void manyRetainedAfterSubAck(MqttVersion v) {
    RawClient pub = connect(v, "pub");
    for (int i = 0; i < 20; i++) {
      publish(pub, "many/" + i, "r" + i, 1, true);
    }
    RawClient sub = connect(v, "sub");
    Subscription[] filters = new Subscription[20];
    for (int i = 0; i < 20; i++) {
      filters[i] = new Subscription("many/" + i, 1);
    }
    sub.send(new Subscribe(99, List.of(filters), NO_PROPS));
    assertThat(sub.expect(SubAck.class).reasonCodes()).hasSize(20);
    List<String> payloads = receivePayloads(sub, 20);
    assertThat(payloads).hasSize(20).doesNotHaveDuplicates();
  }

  /** Publishes {@code n} retained messages on topics {@code prefix/0..n-1}, in large writes. */
  private void publishRetained(RawClient pub, String prefix, int n, int qos) {
    byte[] payload = new byte[100];
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Publish p =
          new Publish(
              prefix + "/" + i, payload, qos, true, false, qos == 0 ? 0 : i % 65535 + 1, NO_PROPS);
      parts.add(encode(p, pub.version()));
      if (parts.size() == 1000 || i == n - 1) {
        pub.sendBytes(concat(parts.toArray(new byte[0][])));
        parts.clear();
      }
    }
    await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> broker().broker().retained().size() >= n);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-6] (3.1.1) [MQTT-3.3.1-9] (5.0) every retained message that matches a new"
          + " subscription is sent, far more than the session's queue holds: 20,000 at QoS 0")
  void everyRetainedMessageSent(MqttVersion v) {
    int n = 20_000;
    RawClient pub = connect(v, "pub");
    publishRetained(pub, "many", n, 0);
    RawClient sub = connect(v, "sub");
    sub.send(new Subscribe(1, List.of(new Subscription("many/#", 0)), NO_PROPS));
    assertThat(sub.expect(SubAck.class).reasonCodes()).containsExactly(0);
    Set<String> topics = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Publish p = expectPublish(sub);
      assertThat(p.retain()).isTrue();
      topics.add(p.topic());
    }
    assertThat(topics).hasSize(n);
    assertThat(broker().broker().metrics().publishDropped()).isZero();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-6] (3.1.1) [MQTT-3.3.1-9] (5.0) retained QoS 1 messages for a new"
          + " subscription go through the in-flight window as the client acknowledges them: all"
          + " 5,000, then a live message")
  void everyRetainedQos1MessageSent(MqttVersion v) {
    int n = 5_000;
    RawClient pub = connect(v, "pub");
    publishRetained(pub, "many1", n, 1);
    RawClient sub = connect(v, "sub");
    sub.send(new Subscribe(1, List.of(new Subscription("many1/#", 1)), NO_PROPS));
    assertThat(sub.expect(SubAck.class).reasonCodes()).containsExactly(1);
    Set<String> topics = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Publish p = receive(sub); // acknowledges it
      assertThat(p.retain()).isTrue();
      topics.add(p.topic());
    }
    assertThat(topics).hasSize(n);
    publish(connect(v, "live"), "many1/live", "after", 1, false);
    Publish live = receive(sub);
    assertThat(live.topic()).isEqualTo("many1/live");
    assertThat(live.retain()).isFalse();
  }
}
