package dev.switchboard.cluster.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.cluster.wire.ForwardAck;
import dev.switchboard.cluster.wire.ForwardBatch;
import dev.switchboard.cluster.wire.ForwardedMessage;
import dev.switchboard.cluster.wire.ForwarderCommand;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A destination's forwarder: QoS 0 sent once, QoS 1/2 and retained numbered and sent again until
 * acknowledged, and no more than {@code max-unacked} awaiting acknowledgement; the publisher's
 * acknowledgement a message holds is released by the destination's acknowledgement or its removal,
 * and failed when the message cannot be sent.
 */
class NodeForwarderTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Message message(String topic, int qos, boolean retain) {
    return new Message(
        topic, new byte[] {1}, qos, retain, MqttProperties.EMPTY, "p", Message.NEVER);
  }

  private static ForwardSettings settings(int maxUnacked) {
    return new ForwardSettings(100, 10, maxUnacked, Duration.ofMillis(100), 192 * 1024);
  }

  @Test
  @DisplayName(
      "QoS 0 goes once unnumbered; QoS 1 and retained QoS 0 are numbered and sent again until"
          + " acknowledged")
  void numberedUntilAcknowledged() {
    TestProbe<ForwardBatch> destination = kit.createTestProbe();
    ForwardMetrics metrics = new ForwardMetrics();
    Outbox outbox = new Outbox("b", 100, metrics);
    outbox.bind(
        kit.spawn(NodeForwarder.create(outbox, destination.ref(), "a#1", settings(100), metrics)));
    outbox.offer(message("q0", 0, false), Set.of(), null);
    outbox.offer(message("q1", 1, false), Set.of("$share/g/q1"), null);
    outbox.offer(message("r0", 0, true), Set.of(), null);

    ForwardBatch first = destination.receiveMessage();
    java.util.List<ForwardedMessage> all = new java.util.ArrayList<>(first.messages());
    while (all.size() < 3) {
      all.addAll(destination.receiveMessage().messages());
    }
    assertThat(all)
        .extracting(f -> f.message().topic() + "#" + f.seq())
        .containsExactly("q0#0", "q1#1", "r0#2");
    assertThat(all.get(1).sharedGroups()).containsExactly("$share/g/q1");

    java.util.Set<Long> resent = new java.util.HashSet<>();
    while (resent.size() < 2) {
      for (ForwardedMessage f : destination.receiveMessage(Duration.ofSeconds(3)).messages()) {
        assertThat(f.seq()).as("only numbered messages are sent again").isPositive();
        resent.add(f.seq());
      }
    }
    assertThat(resent).containsExactlyInAnyOrder(1L, 2L);
    assertThat(metrics.resent.sum()).isGreaterThanOrEqualTo(2);

    first.replyTo().tell(new ForwardAck(new long[] {1, 2}));
    outbox.offer(message("after", 0, false), Set.of(), null);
    // nothing numbered is sent again once acknowledged: the next batch is the new message only
    ForwardBatch next = destination.receiveMessage(Duration.ofSeconds(3));
    while (next.messages().stream().anyMatch(f -> f.seq() != 0)) {
      next = destination.receiveMessage(Duration.ofSeconds(3)); // a resend already under way
    }
    assertThat(next.messages()).extracting(f -> f.message().topic()).containsExactly("after");
    destination.expectNoMessage(Duration.ofMillis(400));
    assertThat(metrics.latency.count())
        .as("each acknowledged message's latency is recorded once")
        .isEqualTo(2);
  }

  @Test
  @DisplayName("past max-unacked the forwarder waits, and drains again once acknowledgements come")
  void holdsAtMaxUnacked() {
    TestProbe<ForwardBatch> destination = kit.createTestProbe();
    ForwardMetrics metrics = new ForwardMetrics();
    Outbox outbox = new Outbox("b", 100, metrics);
    outbox.bind(
        kit.spawn(NodeForwarder.create(outbox, destination.ref(), "a#1", settings(2), metrics)));
    for (int i = 0; i < 5; i++) {
      outbox.offer(message("m" + i, 1, false), Set.of(), null);
    }
    java.util.Set<Long> seen = new java.util.HashSet<>();
    ForwardBatch b = null;
    while (seen.size() < 2) {
      b = destination.receiveMessage(Duration.ofSeconds(3));
      b.messages().forEach(f -> seen.add(f.seq()));
    }
    assertThat(seen).as("two await acknowledgement, no more").containsExactlyInAnyOrder(1L, 2L);
    assertThat(outbox.size()).isEqualTo(3);
    b.replyTo().tell(new ForwardAck(new long[] {1, 2}));
    while (!seen.contains(4L)) {
      destination.receiveMessage(Duration.ofSeconds(3)).messages().forEach(f -> seen.add(f.seq()));
    }
    assertThat(seen).as("3 and 4 once 1 and 2 are acknowledged; 5 waits").doesNotContain(5L);
    assertThat(outbox.size()).isEqualTo(1);
  }

  /** A publisher's acknowledgement whose outcome the test reads. */
  private static final class Publisher implements AcknowledgementHold.Outcome {
    final AcknowledgementHold hold = new AcknowledgementHold();
    volatile String outcome;

    AcknowledgementHold take() {
      return hold.hold();
    }

    Publisher listening() {
      hold.whenReleased(this);
      return this;
    }

    @Override
    public void released() {
      outcome = "released";
    }

    @Override
    public void failed(String why) {
      outcome = "failed: " + why;
    }
  }

  @Test
  @DisplayName(
      "a held acknowledgement is released when the destination acknowledges the message, not"
          + " before (a resend does not release it)")
  void releasedByTheDestinationsAcknowledgement() {
    TestProbe<ForwardBatch> destination = kit.createTestProbe();
    ForwardMetrics metrics = new ForwardMetrics();
    Outbox outbox = new Outbox("b", 100, metrics);
    outbox.bind(
        kit.spawn(NodeForwarder.create(outbox, destination.ref(), "a#1", settings(100), metrics)));
    Publisher p = new Publisher();
    outbox.offer(message("q1", 1, false), Set.of(), p.take());
    p.listening();
    ForwardBatch first = destination.receiveMessage();
    assertThat(first.messages()).extracting(ForwardedMessage::seq).containsExactly(1L);
    ForwardBatch again = destination.receiveMessage(Duration.ofSeconds(3));
    assertThat(again.messages()).extracting(ForwardedMessage::seq).containsExactly(1L);
    assertThat(p.outcome).as("sent twice, acknowledged never").isNull();

    first.replyTo().tell(new ForwardAck(new long[] {1}));
    await().atMost(Duration.ofSeconds(5)).until(() -> "released".equals(p.outcome));
  }

  @Test
  @DisplayName(
      "a destination that leaves: the forwarder's stop releases what awaited acknowledgement and"
          + " what was still queued, and an offer after that is released at once")
  void releasedWhenTheDestinationLeaves() {
    TestProbe<ForwardBatch> destination = kit.createTestProbe();
    ForwardMetrics metrics = new ForwardMetrics();
    Outbox outbox = new Outbox("b", 100, metrics);
    ActorRef<ForwarderCommand> forwarder =
        kit.spawn(NodeForwarder.create(outbox, destination.ref(), "a#1", settings(1), metrics));
    outbox.bind(forwarder);
    Publisher sent = new Publisher();
    Publisher queued = new Publisher();
    outbox.offer(message("sent", 1, false), Set.of(), sent.take());
    outbox.offer(message("queued", 1, false), Set.of(), queued.take());
    sent.listening();
    queued.listening();
    assertThat(destination.receiveMessage().messages())
        .extracting(f -> f.message().topic())
        .containsExactly("sent");
    assertThat(outbox.size()).as("max-unacked 1: the second waits in the outbox").isEqualTo(1);
    assertThat(sent.outcome).isNull();
    assertThat(queued.outcome).isNull();

    kit.stop(forwarder); // as Membership does when the node is removed, after outbox.close()
    await().atMost(Duration.ofSeconds(5)).until(() -> "released".equals(sent.outcome));
    assertThat(queued.outcome).isEqualTo("released");
    Publisher late = new Publisher();
    outbox.offer(message("late", 1, false), Set.of(), late.take());
    late.listening();
    assertThat(late.outcome).isEqualTo("released");
  }

  @Test
  @DisplayName(
      "a message that cannot be sent fails its hold: the outbox is full, or it is too large")
  void failedWhenNotSent() {
    TestProbe<ForwardBatch> destination = kit.createTestProbe();
    ForwardMetrics metrics = new ForwardMetrics();
    Outbox full = new Outbox("b", 1, metrics);
    full.bind(kit.createTestProbe(ForwarderCommand.class).ref()); // never drains
    Publisher first = new Publisher();
    Publisher second = new Publisher();
    assertThat(full.offer(message("one", 1, false), Set.of(), first.take())).isTrue();
    assertThat(full.offer(message("two", 1, false), Set.of(), second.take())).isFalse();
    first.listening();
    second.listening();
    assertThat(first.outcome).isNull();
    assertThat(second.outcome).startsWith("failed: ").contains("queue is full");

    Outbox outbox = new Outbox("c", 100, metrics);
    outbox.bind(
        kit.spawn(
            NodeForwarder.create(
                outbox,
                destination.ref(),
                "a#1",
                new ForwardSettings(100, 10, 100, Duration.ofMillis(100), 1024),
                metrics)));
    Publisher large = new Publisher();
    Publisher small = new Publisher();
    outbox.offer(
        new Message("large", new byte[2048], 1, false, MqttProperties.EMPTY, "p", Message.NEVER),
        Set.of(),
        large.take());
    outbox.offer(message("small", 1, false), Set.of(), small.take());
    large.listening();
    small.listening();
    ForwardBatch b = destination.receiveMessage();
    assertThat(b.messages()).extracting(f -> f.message().topic()).containsExactly("small");
    await().atMost(Duration.ofSeconds(5)).until(() -> large.outcome != null);
    assertThat(large.outcome).contains("too large");
    b.replyTo().tell(new ForwardAck(new long[] {1}));
    await().atMost(Duration.ofSeconds(5)).until(() -> "released".equals(small.outcome));
  }

  @Test
  @DisplayName(
      "a message heavier than a batch goes alone to the large-message receiver, is sent again"
          + " there until acknowledged, and releases its hold then; past the largest it fails")
  void largeMessagesAlone() {
    TestProbe<ForwardBatch> destination = kit.createTestProbe();
    TestProbe<ForwardBatch> large = kit.createTestProbe();
    ForwardMetrics metrics = new ForwardMetrics();
    Outbox outbox = new Outbox("b", 100, metrics);
    outbox.bind(
        kit.spawn(
            NodeForwarder.create(
                outbox,
                destination.ref(),
                large.ref(),
                "a#1",
                new ForwardSettings(100, 10, 100, Duration.ofMillis(100), 1024, 8192),
                metrics)));
    Publisher big = new Publisher();
    Publisher huge = new Publisher();
    outbox.offer(message("small", 1, false), Set.of(), null);
    outbox.offer(
        new Message("big", new byte[4096], 1, false, MqttProperties.EMPTY, "p", Message.NEVER),
        Set.of(),
        big.take());
    outbox.offer(
        new Message("huge", new byte[10_000], 1, false, MqttProperties.EMPTY, "p", Message.NEVER),
        Set.of(),
        huge.take());
    big.listening();
    huge.listening();

    ForwardBatch alone = large.receiveMessage();
    assertThat(alone.messages()).extracting(f -> f.message().topic()).containsExactly("big");
    long bigSeq = alone.messages().get(0).seq();
    assertThat(destination.receiveMessage().messages())
        .extracting(f -> f.message().topic())
        .containsExactly("small");
    await().atMost(Duration.ofSeconds(5)).until(() -> huge.outcome != null);
    assertThat(huge.outcome).contains("too large");
    assertThat(metrics.sentLarge.sum()).isEqualTo(1);

    ForwardBatch again = large.receiveMessage(Duration.ofSeconds(3));
    assertThat(again.messages()).extracting(ForwardedMessage::seq).containsExactly(bigSeq);
    assertThat(big.outcome).isNull();
    alone.replyTo().tell(new ForwardAck(new long[] {bigSeq}));
    await().atMost(Duration.ofSeconds(5)).until(() -> "released".equals(big.outcome));
  }
}
