package dev.switchboard.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.PublisherAcknowledgement;
import dev.switchboard.broker.routing.RouteTarget;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A publisher's acknowledgement that waits for the commit (strict durability) and for a route
 * target's hold goes out once both are done, whichever is last.
 */
class HeldAcknowledgementCommitTest {
  private final MemoryStore store = new MemoryStore();
  private final List<AcknowledgementHold> holds = new CopyOnWriteArrayList<>();
  private Broker broker;
  private RawClient pub;

  @AfterEach
  void tearDown() {
    store.unblock();
    if (pub != null) {
      pub.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private void start() {
    broker =
        new Broker(
            TestBroker.config(),
            new InMemoryRetainedStore(),
            new AnonymousAuthenticator(true),
            Authorizer.ALLOW_ALL,
            Persistence.of(store, Durability.STRICT));
    broker.start();
    broker
        .router()
        .addTarget(
            new RouteTarget() {
              @Override
              public int route(Message message) {
                return 0;
              }

              @Override
              public int route(Message message, PublisherAcknowledgement acknowledgement) {
                holds.add(acknowledgement.hold());
                return 1;
              }
            });
    pub = RawClient.connect(broker.mqttPort(), MqttVersion.V5, "pub");
  }

  /** Retained, so that the message is in the publisher's unit and its PUBACK waits for it. */
  private void publishRetained(int packetId) {
    pub.send(
        new Publish(
            "remote/r",
            "v".getBytes(StandardCharsets.UTF_8),
            1,
            true,
            false,
            packetId,
            MqttProperties.EMPTY));
  }

  @Test
  @DisplayName("released first, committed last: the PUBACK comes with the commit")
  void commitLast() throws InterruptedException {
    start();
    store.block();
    publishRetained(1);
    assertThat(store.awaitBlockedApply(Duration.ofSeconds(5))).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> holds.size() == 1);
    holds.get(0).release();
    pub.expectNothing(Duration.ofMillis(300));
    store.unblock();
    assertThat(pub.expect(PubAck.class).packetId()).isEqualTo(1);
  }

  @Test
  @DisplayName("committed first, released last: the PUBACK comes with the release")
  void releaseLast() {
    start();
    publishRetained(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> holds.size() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                store.batches().stream()
                    .flatMap(List::stream)
                    .anyMatch(c -> c instanceof Change.PutRetained));
    pub.expectNothing(Duration.ofMillis(300));
    holds.get(0).release();
    assertThat(pub.expect(PubAck.class).packetId()).isEqualTo(2);
  }
}
