package dev.switchboard.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.intercept.PublishVerdict;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The delivery seam: a principal's {@link DeliveryBudget} is charged for every message handed to
 * its session; a refused delivery is dropped and counted, or ends the connection. And an
 * interceptor's refusal that disconnects the publisher.
 */
@DisplayName("Delivery budgets and refusals that disconnect")
class DeliveryBudgetTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  /** Admits {@code room} deliveries, then answers {@code atLimit}; counts what it was charged. */
  static final class CountingBudget implements DeliveryBudget {
    final AtomicInteger left;
    final AtomicInteger bytes = new AtomicInteger();
    final int atLimit;

    CountingBudget(int room, int atLimit) {
      this.left = new AtomicInteger(room);
      this.atLimit = atLimit;
    }

    @Override
    public int chargeDelivery(int payloadBytes) {
      if (left.getAndDecrement() <= 0) {
        return atLimit;
      }
      bytes.addAndGet(payloadBytes);
      return ADMIT;
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

  /** User "limited" gets {@code budget}; everyone else none. */
  private void start(DeliveryBudget budget) {
    Authenticator auth =
        (identity, password) -> {
          String user = identity.username();
          Principal p =
              "limited".equals(user)
                  ? new Principal(Principal.DEFAULT_HUB, user, null, false, null, null, budget)
                  : Principal.of(user);
          return CompletableFuture.completedFuture(AuthResult.accept(p));
        };
    broker = TestBroker.start(c -> c, auth);
  }

  private RawClient connected(MqttVersion v, String clientId, String user) {
    RawClient c = RawClient.open(broker.port(), v);
    clients.add(c);
    c.send(new Connect(v, clientId, true, 60, user, null, null, MqttProperties.EMPTY));
    assertThat(c.expect(dev.switchboard.mqtt.packet.ConnAck.class).reasonCode()).isZero();
    return c;
  }

  private static void subscribe(RawClient c, String filter, int qos) {
    c.send(new Subscribe(1, List.of(new Subscription(filter, qos)), MqttProperties.EMPTY));
    c.expect(SubAck.class);
  }

  private static void publish(RawClient c, String topic, String text, int id) {
    c.send(
        new Publish(
            topic,
            text.getBytes(StandardCharsets.UTF_8),
            1,
            false,
            false,
            id,
            MqttProperties.EMPTY));
    c.expect(PubAck.class);
  }

  private static String receive(RawClient c) {
    Publish p = c.expect(Publish.class);
    if (p.qos() == 1) {
      c.send(new PubAck(p.packetId(), 0, MqttProperties.EMPTY));
    }
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "deliveries within the budget arrive; beyond it they are dropped and counted, and a"
          + " subscriber without a budget gets every one")
  void dropsBeyondTheBudget() {
    CountingBudget budget = new CountingBudget(2, DeliveryBudget.DROP);
    start(budget);
    RawClient limited = connected(MqttVersion.V5, "limited", "limited");
    RawClient free = connected(MqttVersion.V5, "free", "free");
    subscribe(limited, "t", 1);
    subscribe(free, "t", 1);
    RawClient publisher = connected(MqttVersion.V5, "pub", "pub");

    publish(publisher, "t", "one", 1);
    publish(publisher, "t", "two", 2);
    publish(publisher, "t", "three", 3);

    assertThat(List.of(receive(limited), receive(limited))).containsExactly("one", "two");
    limited.expectNothing(QUIET);
    assertThat(List.of(receive(free), receive(free), receive(free)))
        .containsExactly("one", "two", "three");
    assertThat(budget.bytes.get()).isEqualTo(6);
    assertThat(broker.broker().metrics().publishDroppedQuota.sum()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "a budget that says disconnect ends the subscriber's connection (DISCONNECT 0x97 in 5.0,"
          + " closed in 3.1.1) after the deliveries it admitted")
  void disconnectsAtTheLimit(MqttVersion v) {
    start(new CountingBudget(1, DeliveryBudget.DISCONNECT));
    RawClient limited = connected(v, "limited", "limited");
    subscribe(limited, "t", 0);
    RawClient publisher = connected(MqttVersion.V5, "pub", "pub");

    publish(publisher, "t", "one", 1);
    assertThat(receive(limited)).isEqualTo("one");
    publish(publisher, "t", "two", 2);

    List<Object> last = limited.awaitClose(Duration.ofSeconds(5));
    if (v == MqttVersion.V5) {
      assertThat(last)
          .anyMatch(p -> p instanceof Disconnect d && d.reasonCode() == ReasonCode.QUOTA_EXCEEDED);
    }
    assertThat(last).noneMatch(p -> p instanceof Publish);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "an interceptor's refusal that disconnects ends the publisher's connection (DISCONNECT"
          + " 0x97 in 5.0, closed in 3.1.1) without an acknowledgement; the message is not routed")
  void refusalThatDisconnects(MqttVersion v) {
    start(null);
    broker
        .broker()
        .interceptors()
        .add(
            p ->
                p.message().topic().equals("stop")
                    ? PublishVerdict.refuseAndDisconnect(ReasonCode.QUOTA_EXCEEDED, "quota")
                    : PublishVerdict.pass());
    RawClient watcher = connected(MqttVersion.V5, "watcher", "watcher");
    subscribe(watcher, "#", 0);
    RawClient publisher = connected(v, "pub", "pub");

    publish(publisher, "go", "ok", 1);
    assertThat(receive(watcher)).isEqualTo("ok");
    publisher.send(new Publish("stop", new byte[1], 1, false, false, 2, MqttProperties.EMPTY));

    List<Object> last = publisher.awaitClose(Duration.ofSeconds(5));
    assertThat(last).noneMatch(p -> p instanceof PubAck);
    if (v == MqttVersion.V5) {
      assertThat(last)
          .anyMatch(p -> p instanceof Disconnect d && d.reasonCode() == ReasonCode.QUOTA_EXCEEDED);
    }
    watcher.expectNothing(QUIET);
  }
}
