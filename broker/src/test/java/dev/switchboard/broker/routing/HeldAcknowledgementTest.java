package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The seam that lets a route target hold a publisher's acknowledgement (the cluster, until the
 * other nodes have its copies): the PUBACK or PUBREC goes out only once every hold is released, the
 * acknowledgements after it wait behind it, a failed hold refuses it, and a QoS 0 message or a
 * target that holds nothing changes nothing.
 */
class HeldAcknowledgementTest {
  /**
   * Stands for other nodes whose subscribers want {@code remote/#}: each such message is held
   * {@code copies} times (one per node it goes to) until the test releases the holds.
   */
  private static final class HoldingTarget implements RouteTarget {
    final int copies;
    final List<AcknowledgementHold> holds = new CopyOnWriteArrayList<>();
    final List<String> routedWithoutAcknowledgement = new CopyOnWriteArrayList<>();

    HoldingTarget(int copies) {
      this.copies = copies;
    }

    @Override
    public int route(Message message) {
      routedWithoutAcknowledgement.add(message.topic());
      return message.topic().startsWith("remote/") ? copies : 0;
    }

    @Override
    public int route(Message message, PublisherAcknowledgement acknowledgement) {
      if (!message.topic().startsWith("remote/")) {
        return 0;
      }
      for (int i = 0; i < copies; i++) {
        holds.add(acknowledgement.hold());
      }
      return copies;
    }
  }

  private final List<RawClient> clients = new ArrayList<>();
  private TestBroker broker;

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private HoldingTarget startWith(int copies) {
    broker = TestBroker.start();
    HoldingTarget target = new HoldingTarget(copies);
    broker.broker().router().addTarget(target);
    return target;
  }

  private RawClient connected(MqttVersion version, String clientId) {
    RawClient c = RawClient.connect(broker.port(), version, clientId);
    clients.add(c);
    return c;
  }

  private RawClient subscribedToAll() {
    RawClient sub = connected(MqttVersion.V5, "sub");
    sub.send(new Subscribe(1, List.of(new Subscription("#", 2)), MqttProperties.EMPTY));
    assertThat(sub.expect(SubAck.class).reasonCodes()).containsExactly(2);
    return sub;
  }

  private static Publish publish(String topic, int qos, int packetId) {
    return new Publish(
        topic,
        topic.getBytes(StandardCharsets.UTF_8),
        qos,
        false,
        false,
        packetId,
        MqttProperties.EMPTY);
  }

  @Test
  @DisplayName(
      "a QoS 1 PUBACK held by a target for two copies goes out once both are released, and the"
          + " PUBACK of a later message that nobody holds waits behind it, in order")
  void pubAckWaitsForEveryHold() {
    HoldingTarget target = startWith(2);
    RawClient sub = subscribedToAll();
    RawClient pub = connected(MqttVersion.V5, "pub");

    pub.send(publish("remote/a", 1, 1));
    pub.send(publish("local/b", 1, 2));
    // both were routed: the local subscriber has them
    assertThat(sub.expect(Publish.class).topic()).isEqualTo("remote/a");
    assertThat(sub.expect(Publish.class).topic()).isEqualTo("local/b");
    await().atMost(Duration.ofSeconds(5)).until(() -> target.holds.size() == 2);
    pub.expectNothing(Duration.ofMillis(300));

    target.holds.get(0).release();
    pub.expectNothing(Duration.ofMillis(300));

    target.holds.get(1).release();
    PubAck first = pub.expect(PubAck.class);
    assertThat(first.packetId()).isEqualTo(1);
    assertThat(first.reasonCode()).as("the other nodes' subscribers count").isZero();
    assertThat(pub.expect(PubAck.class).packetId()).isEqualTo(2);
    assertThat(target.routedWithoutAcknowledgement).isEmpty();
  }

  @Test
  @DisplayName(
      "QoS 2: the PUBREC is what waits for the hold; PUBREL and PUBCOMP then complete as usual")
  void pubRecWaitsForTheHold() {
    HoldingTarget target = startWith(1);
    RawClient sub = subscribedToAll();
    RawClient pub = connected(MqttVersion.V5, "pub");

    pub.send(publish("remote/q2", 2, 7));
    assertThat(sub.expect(Publish.class).topic()).isEqualTo("remote/q2");
    await().atMost(Duration.ofSeconds(5)).until(() -> target.holds.size() == 1);
    pub.expectNothing(Duration.ofMillis(300));

    target.holds.get(0).release();
    assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(7);
    pub.send(new PubRel(7));
    PubComp comp = pub.expect(PubComp.class);
    assertThat(comp.packetId()).isEqualTo(7);
    assertThat(comp.reasonCode()).isZero();
  }

  @Test
  @DisplayName(
      "a failed hold refuses the acknowledgement: a 5.0 publisher gets PUBACK 0x80 with the reason,"
          + " a 3.1.1 publisher's connection is closed without it (it sends again)")
  void failedHoldRefuses() {
    HoldingTarget target = startWith(1);
    RawClient v5 = connected(MqttVersion.V5, "pub5");
    v5.send(publish("remote/x", 1, 3));
    await().atMost(Duration.ofSeconds(5)).until(() -> target.holds.size() == 1);
    target.holds.get(0).fail("not forwarded: queue full");
    PubAck refused = v5.expect(PubAck.class);
    assertThat(refused.packetId()).isEqualTo(3);
    assertThat(refused.reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
    assertThat(refused.properties().reasonString()).isEqualTo("not forwarded: queue full");

    RawClient v311 = connected(MqttVersion.V3_1_1, "pub311");
    v311.send(publish("remote/y", 1, 4));
    await().atMost(Duration.ofSeconds(5)).until(() -> target.holds.size() == 2);
    target.holds.get(1).fail("not forwarded: queue full");
    assertThat(v311.awaitClose(Duration.ofSeconds(5))).isEmpty();
  }

  @Test
  @DisplayName(
      "nothing to hold: a QoS 0 message is routed without an acknowledgement to hold, a QoS 1"
          + " message the target holds nothing of is acknowledged at once, and without targets"
          + " (one node) as before")
  void nothingHeld() {
    HoldingTarget target = startWith(1);
    RawClient sub = subscribedToAll();
    RawClient pub = connected(MqttVersion.V5, "pub");
    pub.send(publish("remote/zero", 0, 0));
    assertThat(sub.expect(Publish.class).topic()).isEqualTo("remote/zero");
    pub.send(publish("local/one", 1, 5));
    assertThat(pub.expect(PubAck.class).packetId()).isEqualTo(5);
    assertThat(target.routedWithoutAcknowledgement).containsExactly("remote/zero");
    assertThat(target.holds).isEmpty();

    broker.broker().router().removeTarget(target);
    pub.send(publish("remote/alone", 1, 6));
    PubAck alone = pub.expect(PubAck.class);
    assertThat(alone.packetId()).isEqualTo(6);
    assertThat(alone.reasonCode()).isZero(); // the subscriber here
    assertThat(target.holds).isEmpty();
  }

  @Test
  @DisplayName(
      "a hold settles once: after the publisher listens and every hold is released, with the"
          + " first failure's reason; releases before the publisher listens do not settle it")
  void holdSettlesOnce() {
    List<String> outcomes = new ArrayList<>();
    AcknowledgementHold.Outcome record =
        new AcknowledgementHold.Outcome() {
          @Override
          public void released() {
            outcomes.add("released");
          }

          @Override
          public void failed(String why) {
            outcomes.add("failed: " + why);
          }
        };
    AcknowledgementHold released = new AcknowledgementHold().hold().hold();
    released.release();
    released.release();
    assertThat(outcomes).isEmpty();
    released.whenReleased(record);
    assertThat(outcomes).containsExactly("released");

    AcknowledgementHold failed = new AcknowledgementHold().hold().hold();
    failed.whenReleased(record);
    failed.fail("first");
    failed.fail("second");
    assertThat(outcomes).containsExactly("released", "failed: first");
  }
}
