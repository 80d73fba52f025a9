package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.auth.Quota;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hub's limits, as its principals' {@link Quota} carries them: connections at once, message size,
 * retained messages, queued messages per session. Each refusal is counted for the hub; other hubs
 * are not touched by it.
 */
@DisplayName("Hub limits: connections, message size, retained messages, queued messages")
class HubLimitsTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  /** Hub 'small' has every limit; every other user name is of the default hub, without limits. */
  private static final Quota SMALL = new Quota(2, 10, 2, 2);

  private static final Authenticator HUBS =
      (identity, password) -> {
        String user = identity.username();
        Principal p =
            user != null && user.endsWith("@small")
                ? new Principal("small", user, null, false, null, SMALL)
                : Principal.of(user);
        return CompletableFuture.completedFuture(AuthResult.accept(p));
      };

  private final List<RawClient> clients = new ArrayList<>();
  private TestBroker broker;

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private void start() {
    broker = TestBroker.start(c -> c, HUBS, Authorizer.ALLOW_ALL);
  }

  private TopicSpaces.Space small() {
    return broker.broker().spaces().of("small");
  }

  private ConnAck connect(RawClient c, String clientId, String user, boolean clean) {
    MqttProperties props =
        clean || c.version() != MqttVersion.V5
            ? MqttProperties.EMPTY
            : MqttProperties.builder().sessionExpiryInterval(300L).build();
    c.send(new Connect(c.version(), clientId, clean, 60, user, null, null, props));
    return c.expect(ConnAck.class);
  }

  private RawClient open(MqttVersion v) {
    RawClient c = RawClient.open(broker.port(), v);
    clients.add(c);
    return c;
  }

  private RawClient connected(MqttVersion v, String clientId, String user) {
    RawClient c = open(v);
    assertThat(connect(c, clientId, user, true).reasonCode()).isZero();
    return c;
  }

  private static int publish(RawClient c, String topic, int bytes, boolean retain) {
    c.send(new Publish(topic, new byte[bytes], 1, retain, false, 5, MqttProperties.EMPTY));
    return c.expect(PubAck.class).reasonCode();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "at its connection limit a hub's CONNECT is refused: Quota exceeded (5.0), Server"
          + " unavailable (3.1.1); a slot comes back when a connection ends; other hubs connect")
  void connectionLimit(MqttVersion v) {
    start();
    RawClient first = connected(v, "c1", "c1@small");
    connected(v, "c2", "c2@small");

    ConnAck refused = connect(open(v), "c3", "c3@small", true);
    assertThat(refused.reasonCode()).isEqualTo(v == MqttVersion.V5 ? ReasonCode.QUOTA_EXCEEDED : 3);
    assertThat(small().refusals().connections.sum()).isEqualTo(1);
    connected(v, "other", "other"); // the default hub has no limit of its own

    first.send(Disconnect.NORMAL);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> small().connections().get() == 1);
    connected(v, "c3", "c3@small");
  }

  @Test
  @DisplayName(
      "a PUBLISH over the hub's message size ends the connection with Packet too large; one at"
          + " the size goes through")
  void messageSize() {
    start();
    RawClient c = connected(MqttVersion.V5, "p", "p@small");

    assertThat(publish(c, "t", 10, false)).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    c.send(new Publish("t", new byte[11], 1, false, false, 6, MqttProperties.EMPTY));

    assertThat(c.awaitClose(Duration.ofSeconds(5)))
        .anyMatch(p -> p instanceof Disconnect d && d.reasonCode() == ReasonCode.PACKET_TOO_LARGE);
    assertThat(small().refusals().messageSize.sum()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "at the retained limit a retained message for a new topic is refused (0x97) and not kept;"
          + " one replacing a topic already retained, and clearing one, are not")
  void retainedLimit() {
    start();
    RawClient c = connected(MqttVersion.V5, "p", "p@small");
    RawClient watcher = connected(MqttVersion.V5, "w", "w@small");
    watcher.send(new Subscribe(1, List.of(new Subscription("r/#", 1)), MqttProperties.EMPTY));
    watcher.expect(SubAck.class);

    assertThat(publish(c, "r/1", 1, true)).isZero();
    assertThat(publish(c, "r/2", 1, true)).isZero();
    assertThat(publish(c, "r/3", 1, true)).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    assertThat(publish(c, "r/2", 2, true)).as("a replacement").isZero();

    assertThat(watcher.expect(Publish.class).topic()).isEqualTo("r/1");
    assertThat(watcher.expect(Publish.class).topic()).isEqualTo("r/2");
    Publish replaced = watcher.expect(Publish.class);
    assertThat(replaced.topic()).isEqualTo("r/2");
    assertThat(replaced.payload()).hasSize(2);
    watcher.expectNothing(QUIET);
    assertThat(small().retained().match("#")).hasSize(2);
    assertThat(small().refusals().retained.sum()).isEqualTo(1);

    assertThat(publish(c, "r/1", 0, true)).isZero(); // cleared: room for one more
    assertThat(publish(c, "r/3", 1, true)).isZero();
  }

  @Test
  @DisplayName("a session of the hub queues at most the hub's limit of messages while offline")
  void queuedMessages() {
    start();
    RawClient sub = open(MqttVersion.V5);
    assertThat(connect(sub, "s", "s@small", false).reasonCode()).isZero();
    sub.send(new Subscribe(1, List.of(new Subscription("q", 1)), MqttProperties.EMPTY));
    sub.expect(SubAck.class);
    sub.send(Disconnect.NORMAL);
    sub.awaitClose(Duration.ofSeconds(5));
    RawClient pub = connected(MqttVersion.V5, "p", "p@small");
    for (int i = 0; i < 4; i++) {
      publish(pub, "q", 1, false);
    }

    RawClient back = open(MqttVersion.V5);
    assertThat(connect(back, "s", "s@small", false).sessionPresent()).isTrue();
    back.expect(Publish.class);
    back.expect(Publish.class);
    back.expectNothing(QUIET);
  }
}
