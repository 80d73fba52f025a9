package dev.switchboard.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.ConnAck;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Persistent sessions and retained messages keep their hub across a restart: the same client id in
 * two hubs comes back as two sessions, each with its own subscriptions and queued messages, and a
 * retained message comes back in its own hub only.
 */
@DisplayName("Hubs across a restart: persistent sessions and retained messages keep their hub")
class HubPersistenceTest {
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final MqttVersion V5 = MqttVersion.V5;

  /** {@code name@hub} is a client of {@code hub}; any other user name is of the default hub. */
  private static final Authenticator BY_USER_NAME =
      (identity, password) -> {
        String user = identity.username();
        int at = user == null ? -1 : user.lastIndexOf('@');
        Principal p =
            at < 0
                ? Principal.of(user)
                : new Principal(user.substring(at + 1), user.substring(0, at), null, false, null);
        return CompletableFuture.completedFuture(AuthResult.accept(p));
      };

  private final MemoryStore store = new MemoryStore();
  private final List<RawClient> clients = new ArrayList<>();
  private Broker broker;

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private void start() {
    broker =
        new Broker(
            TestBroker.config(),
            new InMemoryRetainedStore(),
            BY_USER_NAME,
            Authorizer.ALLOW_ALL,
            Persistence.of(store, Durability.STRICT));
    broker.start();
  }

  private void restart() {
    broker.close();
    start();
  }

  private RawClient connect(String clientId, String user, boolean expectPresent) {
    RawClient c = RawClient.open(broker.mqttPort(), V5);
    clients.add(c);
    c.send(
        new Connect(
            V5,
            clientId,
            false,
            60,
            user,
            null,
            null,
            MqttProperties.builder().sessionExpiryInterval(3600L).build()));
    ConnAck ack = c.expect(ConnAck.class);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.sessionPresent()).as("session present for " + user).isEqualTo(expectPresent);
    return c;
  }

  private static void publish(RawClient c, String topic, String payload, boolean retain) {
    c.send(
        new Publish(
            topic,
            payload.getBytes(StandardCharsets.UTF_8),
            1,
            retain,
            false,
            3,
            MqttProperties.EMPTY));
    c.expect(PubAck.class);
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "device_1 of hubs a and b come back as two sessions, each with its own queued message;"
          + " retained messages come back in their own hub")
  void sessionsAndRetainedMessagesKeepTheirHub() {
    start();
    for (String user : List.of("device_1@a", "device_1@b")) {
      RawClient d = connect("device_1", user, false);
      d.send(new Subscribe(1, List.of(new Subscription("cmd/#", 1)), MqttProperties.EMPTY));
      d.expect(SubAck.class);
      d.send(Disconnect.NORMAL);
    }
    RawClient appA = connect("app", "app@a", false);
    publish(appA, "cmd/light", "on for a", false);
    publish(appA, "status", "a's status", true);
    RawClient appB = connect("app", "app@b", false);
    publish(appB, "status", "b's status", true);

    restart();

    RawClient inA = connect("device_1", "device_1@a", true);
    Publish queued = inA.expect(Publish.class);
    assertThat(queued.topic()).isEqualTo("cmd/light");
    assertThat(text(queued)).isEqualTo("on for a");
    RawClient inB = connect("device_1", "device_1@b", true);
    inB.expectNothing(QUIET);

    RawClient watcherB = connect("watcher", "watcher@b", false);
    watcherB.send(new Subscribe(2, List.of(new Subscription("status", 0)), MqttProperties.EMPTY));
    watcherB.expect(SubAck.class);
    assertThat(text(watcherB.expect(Publish.class))).isEqualTo("b's status");
    watcherB.expectNothing(QUIET);
    RawClient watcherDefault = connect("watcher", "watcher", false);
    watcherDefault.send(
        new Subscribe(2, List.of(new Subscription("status", 0)), MqttProperties.EMPTY));
    watcherDefault.expect(SubAck.class);
    watcherDefault.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "discarding a removed hub ends its connections, drops its sessions (offline persistent ones"
          + " too) and retained messages in memory and in the store; another hub keeps its own")
  void discardingAHubLeavesNothingOfIt() {
    start();
    for (String user : List.of("device_1@a", "device_1@b")) {
      RawClient d = connect("device_1", user, false);
      d.send(new Subscribe(1, List.of(new Subscription("cmd/#", 1)), MqttProperties.EMPTY));
      d.expect(SubAck.class);
      d.send(Disconnect.NORMAL);
    }
    RawClient appA = connect("app", "app@a", false);
    publish(appA, "status", "a's status", true);
    RawClient appB = connect("app", "app@b", false);
    publish(appB, "status", "b's status", true);
    publish(appB, "cmd/light", "on for b", false);

    broker.discardHub("a", 0x87, "hub removed").join();

    Disconnect told = appA.expect(Disconnect.class);
    assertThat(told.reasonCode()).isEqualTo(0x87);
    appA.awaitClose(Duration.ofSeconds(5));
    assertThat(broker.hubs()).contains("b").doesNotContain("a");
    assertThat(broker.sessions().get("a", "device_1")).isNull();
    assertThat(broker.sessions().get("b", "device_1")).isNotNull();
    StoredState stored = store.load();
    assertThat(stored.sessions()).extracting(StoredSession::hub).doesNotContain("a").contains("b");
    assertThat(stored.retained()).extracting(StoredMessage::hub).containsExactly("b");
    assertThat(appB.isOpen()).as("another hub's client stays connected").isTrue();

    restart();

    connect("device_1", "device_1@a", false); // a new hub of the old name starts empty
    RawClient inB = connect("device_1", "device_1@b", true);
    assertThat(text(inB.expect(Publish.class))).isEqualTo("on for b");
    for (String hub : List.of("a", "b")) {
      RawClient watcher = connect("watcher", "watcher@" + hub, false);
      watcher.send(new Subscribe(2, List.of(new Subscription("status", 0)), MqttProperties.EMPTY));
      watcher.expect(SubAck.class);
      if (hub.equals("b")) {
        assertThat(text(watcher.expect(Publish.class))).isEqualTo("b's status");
      }
      watcher.expectNothing(QUIET);
    }
  }

  @Test
  @DisplayName("the default hub is never discarded")
  void theDefaultHubIsNeverDiscarded() {
    start();
    assertThatThrownBy(() -> broker.discardHub("default", 0x87, "no"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(broker.hubs()).contains("default");
  }
}
