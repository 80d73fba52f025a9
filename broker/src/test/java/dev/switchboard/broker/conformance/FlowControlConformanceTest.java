package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.Publish;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Bounded queues (DESIGN.md "Every queue has a bound"): a subscriber that stops reading, or is
 * offline, costs the broker at most its configured queue, and what does not fit is dropped and
 * counted.
 */
@DisplayName("4.9 flow control and the broker's queue bounds")
@Isolated("floods of several MB: run alone, so that other tests' timings are not disturbed")
class FlowControlConformanceTest extends ConformanceBase {

  private static final int MAX_QUEUED = 100;

  private Session session(String clientId) {
    Session s = broker().broker().sessions().get(clientId);
    assertThat(s).as("session " + clientId).isNotNull();
    return s;
  }

  private int queued(Session s) {
    return onSessionLoop(s, s::queuedCount);
  }

  private long queuedBytes(Session s) {
    return onSessionLoop(s, s::queuedBytes);
  }

  private int inflight(Session s) {
    return onSessionLoop(s, s::inflightCount);
  }

  private BrokerMetrics metrics() {
    return broker().broker().metrics();
  }

  /**
   * Messages dropped at a session's bound: by its queue, or by its mailbox when a burst from
   * another loop comes faster than the session's loop takes it. In these floods the queue is full
   * of messages of the flood's QoS, so a drop in the mailbox is one the queue would have made.
   */
  private long droppedAtBound() {
    return metrics().publishDroppedQueueFull.sum() + metrics().publishDroppedMailboxFull.sum();
  }

  /** Many PUBLISHes in one buffer, so that a flood takes one write. */
  private static byte[] flood(MqttVersion v, String topic, int count, int size, int qos, int id0) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String payload = "p".repeat(size);
    for (int i = 0; i < count; i++) {
      out.writeBytes(encode(publishPacket(topic, payload, qos, false, id0 + i), v));
    }
    return out.toByteArray();
  }

  @BothVersions
  @DisplayName(
      "(DESIGN: every queue has a bound) a subscriber that stops reading costs at most its queue"
          + " bound (messages), the excess is"
          + " dropped and counted, and the publisher is still served")
  void slowSubscriberMessageBound(MqttVersion v) {
    startBroker(c -> c.withLimits(268_435_455, 1024, 16, MAX_QUEUED, 64L * 1024 * 1024));
    RawClient slow = openSlowReader(v);
    assertThat(connAck(slow, "slow", true, NO_PROPS, null).reasonCode()).isZero();
    subscribeOk(slow, "flood", 0);
    slow.pauseReading();
    RawClient pub = connect(v, "pub");
    Session s = session("slow");
    long dropped0 = droppedAtBound();
    // The kernel's socket buffers take a few MB before the broker's own queue fills; flood until
    // the queue has stayed at its bound for three bursts in a row, checking it never goes over.
    floodUntilSteady(pub, flood(v, "flood", 500, 2048, 0, 0), s, () -> queued(s) == MAX_QUEUED);
    long dropped1 = droppedAtBound();
    assertThat(dropped1).as("drops counted").isGreaterThan(dropped0);
    pub.sendBytes(flood(v, "flood", 500, 2048, 0, 0));
    pub.send(PingReq.INSTANCE);
    pub.expect(PingResp.class);
    assertThat(queued(s)).isEqualTo(MAX_QUEUED);
    assertThat(droppedAtBound() - dropped1)
        .as("a burst arriving at the bound is dropped")
        .isEqualTo(500);

    slow.resumeReading();
    await().atMost(Duration.ofSeconds(10)).until(() -> queued(s) == 0);
    // the connection is still usable: a fresh message arrives after the backlog
    Publish last = publishPacket("flood", "last", 0, false, 0);
    pub.send(last);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Object o;
              while ((o = slow.poll(Duration.ofMillis(50))) != null) {
                if (o instanceof Publish p && text(p).equals("last")) {
                  return true;
                }
              }
              return false;
            });
  }

  @BothVersions
  @DisplayName(
      "(DESIGN: every queue has a bound) a subscriber that stops reading costs at most its queue"
          + " bound (bytes), the excess is"
          + " dropped and counted")
  void slowSubscriberByteBound(MqttVersion v) {
    long maxBytes = 256 * 1024;
    startBroker(c -> c.withLimits(268_435_455, 1024, 16, 1_000_000, maxBytes));
    RawClient slow = openSlowReader(v);
    assertThat(connAck(slow, "slow", true, NO_PROPS, null).reasonCode()).isZero();
    subscribeOk(slow, "flood", 0);
    slow.pauseReading();
    RawClient pub = connect(v, "pub");
    Session s = session("slow");
    long dropped0 = droppedAtBound();
    floodUntilSteady(
        pub, flood(v, "flood", 200, 8192, 0, 0), s, () -> queuedBytes(s) > maxBytes - 8192 - 200);
    assertThat(droppedAtBound()).isGreaterThan(dropped0);
    assertThat(queuedBytes(s)).isLessThanOrEqualTo(maxBytes);
  }

  /**
   * Sends bursts until {@code atBound} has held after three bursts in a row, checking after each
   * that the session's queue is within its bounds, and that the publisher is still served.
   */
  private void floodUntilSteady(
      RawClient pub, byte[] burst, Session s, java.util.function.BooleanSupplier atBound) {
    long maxMessages = broker().broker().config().maxQueuedMessages();
    long maxBytes = broker().broker().config().maxQueuedBytes();
    int steady = 0;
    for (int round = 0; round < 60 && steady < 3; round++) {
      pub.sendBytes(burst);
      pub.send(PingReq.INSTANCE);
      pub.expect(PingResp.class);
      assertThat(queued(s)).isLessThanOrEqualTo((int) maxMessages);
      assertThat(queuedBytes(s)).isLessThanOrEqualTo(maxBytes);
      steady = atBound.getAsBoolean() ? steady + 1 : 0;
    }
    assertThat(steady).as("the queue stays at its bound").isEqualTo(3);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.9.0-2] (DESIGN: bounded queues) for QoS 1, a subscriber that does not acknowledge has at most"
          + " max-inflight messages in flight and the queue bound queued; the rest is dropped")
  void unacknowledgingSubscriber(MqttVersion v) {
    startBroker(c -> c.withLimits(268_435_455, 1024, 16, MAX_QUEUED, 64L * 1024 * 1024));
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "acks", 1);
    RawClient pub = connect(v, "pub");
    long dropped0 = droppedAtBound();
    pub.sendBytes(flood(v, "acks", 300, 10, 1, 1));
    pub.send(PingReq.INSTANCE);
    Session s = session("sub");
    await().atMost(Duration.ofSeconds(5)).until(() -> queued(s) == MAX_QUEUED);
    assertThat(inflight(s)).isEqualTo(16);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> droppedAtBound() - dropped0 == 300 - 16 - MAX_QUEUED);
    for (int i = 0; i < 16; i++) {
      assertThat(expectPublish(sub).qos()).isEqualTo(1);
    }
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-5] (3.1.1) an offline session queues up to its bound: the oldest are kept and"
          + " delivered, the newest dropped and counted")
  void offlineQueueBound(MqttVersion v) {
    startBroker(c -> c.withLimits(268_435_455, 1024, 128, 10, 64L * 1024 * 1024));
    RawClient sub = connectPersistent(v, "away");
    subscribeOk(sub, "away/t", 1);
    disconnect(sub);
    RawClient pub = connect(v, "pub");
    long dropped0 = droppedAtBound();
    for (int i = 0; i < 50; i++) {
      publish(pub, "away/t", "m" + i, 1, false);
    }
    Session s = session("away");
    assertThat(queued(s)).isEqualTo(10);
    assertThat(droppedAtBound() - dropped0).isEqualTo(40);
    RawClient back = open(v);
    assertThat(connAck(back, "away", false, persistentProps(v), null).sessionPresent()).isTrue();
    assertThat(receivePayloads(back, 10))
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    back.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "(DESIGN: what happens at the bound is defined) at the bound QoS 0 messages are dropped"
          + " before QoS 1 and 2 ones")
  void qos0EvictedFirst(MqttVersion v) {
    startBroker(
        c -> c.withLimits(268_435_455, 1024, 128, 5, 64L * 1024 * 1024).withSessions(-1, true));
    RawClient sub = connectPersistent(v, "away");
    subscribeOk(sub, "away/t", 2);
    disconnect(sub);
    RawClient pub = connect(v, "pub");
    for (int i = 0; i < 3; i++) {
      publish(pub, "away/t", "zero" + i, 0, false);
    }
    for (int i = 0; i < 5; i++) {
      publish(pub, "away/t", "one" + i, 1 + i % 2, false);
    }
    publish(pub, "away/t", "zero-late", 0, false); // the queue is full of QoS 1 and 2: dropped
    RawClient back = open(v);
    assertThat(connAck(back, "away", false, persistentProps(v), null).sessionPresent()).isTrue();
    List<String> got = receivePayloads(back, 5);
    assertThat(got).containsExactly("one0", "one1", "one2", "one3", "one4");
    back.expectNothing(QUIET);
  }
}
