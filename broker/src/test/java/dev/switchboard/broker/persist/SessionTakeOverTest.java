package dev.switchboard.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two brokers on one store, as two cluster nodes share one: a session unloaded from the first keeps
 * its stored rows, and the second rebuilds it from them while it runs ({@link
 * Broker#takeOverStored}), so its client resumes it there with everything that was queued, and what
 * the second queues for it comes after.
 */
@DisplayName("Persistence: a session handed from one broker to another through their store")
class SessionTakeOverTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final MqttProperties PERSISTENT =
      MqttProperties.builder().sessionExpiryInterval(300L).build();

  private final MemoryStore store = new MemoryStore();
  private final List<RawClient> clients = new ArrayList<>();
  private final List<Broker> brokers = new ArrayList<>();
  private int packetIds;

  @AfterEach
  void closeEverything() {
    clients.forEach(RawClient::close);
    brokers.forEach(Broker::close);
  }

  private Broker start() {
    Broker b =
        new Broker(
            TestBroker.config(),
            new InMemoryRetainedStore(),
            new AnonymousAuthenticator(true),
            Authorizer.ALLOW_ALL,
            Persistence.of(store, Durability.STRICT));
    b.start();
    brokers.add(b);
    return b;
  }

  private RawClient connect(Broker b, String clientId, boolean persistent) {
    RawClient c = RawClient.open(b.mqttPort(), MqttVersion.V5);
    clients.add(c);
    ConnAck ack =
        c.connect(clientId, !persistent, 60, persistent ? PERSISTENT : MqttProperties.EMPTY, null);
    assertThat(ack.reasonCode()).isZero();
    return c;
  }

  private void subscribe(RawClient c, String filter) {
    int id = ++packetIds;
    c.send(new Subscribe(id, List.of(new Subscription(filter, 1)), MqttProperties.EMPTY));
    assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(1);
  }

  private void publish(RawClient c, String payload) {
    int id = ++packetIds;
    c.send(
        new Publish(
            "t/x",
            payload.getBytes(StandardCharsets.UTF_8),
            1,
            false,
            false,
            id,
            MqttProperties.EMPTY));
    assertThat(c.expect(PubAck.class).packetId()).isEqualTo(id);
  }

  private static void awaitCommitted(Broker b) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    b.journal()
        .whenCommitted(
            new Journal.Completion() {
              @Override
              public void committed() {
                done.complete(null);
              }

              @Override
              public void failed(StoreException e) {
                done.completeExceptionally(e);
              }
            });
    done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private List<String> storedPayloads() {
    return store.messages().stream()
        .map(q -> new String(q.message().payload(), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  @DisplayName(
      "an offline session unloaded from one broker keeps its rows; the other rebuilds it, and its"
          + " client resumes it there with the queued messages first, then the new ones")
  void offlineSessionMoves() throws Exception {
    Broker first = start();
    Broker second = start();
    RawClient sub = connect(first, "mover", true);
    subscribe(sub, "t/#");
    sub.send(new Disconnect(0, MqttProperties.EMPTY));
    RawClient pub = connect(first, "pub-1", false);
    for (String p : List.of("a", "b", "c")) {
      publish(pub, p);
    }

    first.sessions().get("mover").unload(ReasonCode.SESSION_TAKEN_OVER, "moved", true);
    await().atMost(WAIT).until(() -> first.sessions().get("mover") == null);
    publish(pub, "not-for-mover"); // the first broker no longer stores anything for it
    awaitCommitted(first);
    assertThat(store.sessions()).containsKey("mover");
    assertThat(storedPayloads()).containsExactly("a", "b", "c");

    long storedSeq = store.messages().get(2).seq();
    assertThat(second.takeOverStored(store.loadSession(Hubs.DEFAULT, "mover"))).hasSize(1);
    assertThat(second.takeOverStored(store.loadSession(Hubs.DEFAULT, "mover")))
        .as("a session it has already is left as it is")
        .isEmpty();
    RawClient pub2 = connect(second, "pub-2", false);
    publish(pub2, "d");
    awaitCommitted(second);
    assertThat(store.messages().get(3).seq())
        .as("numbered after the messages it brought")
        .isGreaterThan(storedSeq);

    RawClient back = RawClient.open(second.mqttPort(), MqttVersion.V5);
    clients.add(back);
    ConnAck ack = back.connect("mover", false, 60, PERSISTENT, null);
    assertThat(ack.sessionPresent()).isTrue();
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Publish p = back.expect(Publish.class);
      back.send(new PubAck(p.packetId()));
      got.add(new String(p.payload(), StandardCharsets.UTF_8));
    }
    assertThat(got).containsExactly("a", "b", "c", "d");
  }

  @Test
  @DisplayName(
      "unloading a connected session for a connection that resumes it ends its connection with"
          + " 0x8E and stores it as offline since then")
  void connectedSessionUnloads() throws Exception {
    Broker b = start();
    RawClient sub = connect(b, "online", true);
    subscribe(sub, "t/#");
    awaitCommitted(b);
    assertThat(store.sessions().get("online").disconnectedAtMillis()).isEqualTo(-1);

    b.sessions().get("online").unload(ReasonCode.SESSION_TAKEN_OVER, "moved", true);
    assertThat(sub.expect(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
    await().atMost(WAIT).until(() -> b.sessions().get("online") == null);
    awaitCommitted(b);
    StoredSession stored = store.sessions().get("online");
    assertThat(stored.disconnectedAtMillis()).isPositive();
    assertThat(stored.will()).isNull();
    assertThat(store.subscriptions()).extracting(StoredSubscription::clientId).contains("online");
  }

  @Test
  @DisplayName(
      "unloading a connected session publishes its will as a takeover would: for a 3.1.1 client,"
          + " and for a 5.0 one whose new connection starts clean; not when a 5.0 one resumes")
  void unloadPublishesTheWillOfATakeover() throws Exception {
    Broker b = start();
    RawClient watcher = connect(b, "watcher", false);
    subscribe(watcher, "lwt/#");
    RawClient old311 = RawClient.open(b.mqttPort(), MqttVersion.V3_1_1);
    clients.add(old311);
    assertThat(old311.connect("d311", false, 60, MqttProperties.EMPTY, will("d311")).reasonCode())
        .isZero();
    RawClient resumed = RawClient.open(b.mqttPort(), MqttVersion.V5);
    clients.add(resumed);
    assertThat(resumed.connect("d5r", false, 60, PERSISTENT, will("d5r")).reasonCode()).isZero();
    RawClient clean = RawClient.open(b.mqttPort(), MqttVersion.V5);
    clients.add(clean);
    assertThat(clean.connect("d5c", false, 60, PERSISTENT, will("d5c")).reasonCode()).isZero();

    b.sessions().get("d5r").unload(ReasonCode.SESSION_TAKEN_OVER, "moved", true);
    b.sessions().get("d311").unload(ReasonCode.SESSION_TAKEN_OVER, "moved", true);
    b.sessions().get("d5c").unload(ReasonCode.SESSION_TAKEN_OVER, "moved", false);
    List<String> wills = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Publish p = watcher.expect(Publish.class);
      watcher.send(new PubAck(p.packetId()));
      wills.add(p.topic());
    }
    assertThat(wills).containsExactlyInAnyOrder("lwt/d311", "lwt/d5c");
    watcher.expectNothing(Duration.ofMillis(300));
    assertThat(resumed.expect(Disconnect.class).reasonCode())
        .isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
  }

  private static dev.switchboard.mqtt.packet.Will will(String clientId) {
    return new dev.switchboard.mqtt.packet.Will(
        "lwt/" + clientId, "gone".getBytes(StandardCharsets.UTF_8), 1, false, MqttProperties.EMPTY);
  }
}
