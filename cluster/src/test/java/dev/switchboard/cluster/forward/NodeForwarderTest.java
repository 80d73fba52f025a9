package dev.switchboard.cluster.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.broker.message.Message;
import dev.switchboard.cluster.wire.ForwardAck;
import dev.switchboard.cluster.wire.ForwardBatch;
import dev.switchboard.cluster.wire.ForwardedMessage;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A destination's forwarder: QoS 0 sent once, QoS 1/2 and retained numbered and sent again until
 * acknowledged, and no more than {@code max-unacked} awaiting acknowledgement.
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
    outbox.offer(message("q0", 0, false), Set.of());
    outbox.offer(message("q1", 1, false), Set.of("$share/g/q1"));
    outbox.offer(message("r0", 0, true), Set.of());

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
    outbox.offer(message("after", 0, false), Set.of());
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
      outbox.offer(message("m" + i, 1, false), Set.of());
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
}
