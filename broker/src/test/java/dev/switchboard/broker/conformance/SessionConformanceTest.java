package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.Will;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("4.1 Session state: clean session, expiry, resumption, offline queue, takeover")
class SessionConformanceTest extends ConformanceBase {

  /** Reconnects a persistent session and checks it was resumed. */
  private RawClient resume(MqttVersion v, String clientId) {
    RawClient c = open(v);
    ConnAck ack = connAck(c, clientId, false, persistentProps(v), null);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.sessionPresent()).as("session present").isTrue();
    return c;
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-6] (3.1.1) [MQTT-3.1.2-4] (5.0) a clean session starts empty: subscriptions of"
          + " the previous session are gone")
  void cleanSessionDiscardsState(MqttVersion v) {
    RawClient c = connectPersistent(v, "cs");
    subscribeOk(c, "cs/t", 1);
    disconnect(c);
    RawClient clean = open(v);
    assertThat(connAck(clean, "cs", true, NO_PROPS, null).sessionPresent()).isFalse();
    subscribeOk(clean, "cs/marker", 0); // to show that the new session does receive
    RawClient pub = connect(v, "pub");
    publish(pub, "cs/t", "x", 1, false);
    expectNothingBeforeMarker(clean, "cs/marker");
    disconnect(clean);
    // and the clean session itself is not kept either
    RawClient after = open(v);
    assertThat(connAck(after, "cs", false, persistentProps(v), null).sessionPresent()).isFalse();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-4] [MQTT-3.1.2-5] (3.1.1) [MQTT-3.1.2-5] [MQTT-3.1.2-23] (5.0) a persistent"
          + " session keeps its subscriptions and queues QoS 1 and 2 messages while offline, in"
          + " order [MQTT-4.6.0-6]; QoS 0 is not queued")
  void offlineQueue(MqttVersion v) {
    RawClient c = connectPersistent(v, "ps");
    subscribeOk(c, "ps/#", 2);
    disconnect(c);
    RawClient pub = connect(v, "pub");
    publish(pub, "ps/a", "q0", 0, false);
    for (int i = 0; i < 5; i++) {
      publish(pub, "ps/a", "q1-" + i, 1, false);
      publish(pub, "ps/b", "q2-" + i, 2, false);
    }
    RawClient back = resume(v, "ps");
    List<String> got = receivePayloads(back, 10);
    assertThat(got)
        .containsExactly(
            "q1-0", "q2-0", "q1-1", "q2-1", "q1-2", "q2-2", "q1-3", "q2-3", "q1-4", "q2-4");
    back.expectNothing(QUIET);
    publish(pub, "ps/a", "live", 0, false);
    assertThat(text(expectPublish(back))).isEqualTo("live");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1] unacknowledged QoS 1 and 2 PUBLISHes are"
          + " re-sent on resumption with DUP 1, their original packet ids and in their order")
  void inFlightResentWithDup(MqttVersion v) {
    RawClient c = connectPersistent(v, "res");
    subscribeOk(c, "res/t", 2);
    RawClient pub = connect(v, "pub");
    for (int i = 0; i < 4; i++) {
      publish(pub, "res/t", "m" + i, 1 + i % 2, false);
    }
    List<Publish> first = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      first.add(expectPublish(c));
    }
    c.drop();
    RawClient back = resume(v, "res");
    for (int i = 0; i < 4; i++) {
      Publish again = expectPublish(back);
      assertThat(again.dup()).isTrue();
      assertThat(again.packetId()).isEqualTo(first.get(i).packetId());
      assertThat(text(again)).isEqualTo("m" + i);
      acknowledge(back, again);
    }
    back.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.4.0-1] [MQTT-4.3.3-1] (3.1.1) [MQTT-4.4.0-1] [MQTT-4.3.3-6] (5.0) a PUBREL not"
          + " completed is re-sent on resumption, never the PUBLISH again")
  void pubRelResent(MqttVersion v) {
    RawClient c = connectPersistent(v, "rel");
    subscribeOk(c, "rel/t", 2);
    RawClient pub = connect(v, "pub");
    publish(pub, "rel/t", "x", 2, false);
    Publish p = expectPublish(c);
    c.send(new PubRec(p.packetId()));
    assertThat(c.expect(PubRel.class).packetId()).isEqualTo(p.packetId());
    c.drop();
    RawClient back = resume(v, "rel");
    assertThat(back.expect(PubRel.class).packetId()).isEqualTo(p.packetId());
    back.send(new PubComp(p.packetId()));
    back.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.3-2] [MQTT-4.4.0-1] (3.1.1) [MQTT-4.3.3-10] [MQTT-4.4.0-1] (5.0) the QoS 2"
          + " receive state survives a reconnection: the resent PUBLISH is not delivered twice")
  void qos2ReceiveStatePersists(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "once/t", 2);
    RawClient pub = connectPersistent(v, "pub");
    Publish p = publishPacket("once/t", "exactly once", 2, false, 42);
    pub.send(p);
    pub.expect(PubRec.class);
    pub.drop(); // the client never saw the PUBREC, as far as it knows
    assertThat(text(receive(sub))).isEqualTo("exactly once");

    RawClient back = resume(v, "pub");
    back.send(p.withPacketId(42, true));
    assertThat(back.expect(PubRec.class).packetId()).isEqualTo(42);
    back.send(new PubRel(42));
    assertThat(back.expect(PubComp.class).reasonCode()).isZero();
    expectNothingBeforeMarker(sub, "once/t");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.4-2] (3.1.1) [MQTT-3.1.4-3] (5.0: DISCONNECT 0x8E) a second connection with the"
          + " same client id ends the first and resumes its session")
  void takeover(MqttVersion v) {
    RawClient first = connectPersistent(v, "dup-id");
    subscribeOk(first, "take/over", 1);
    RawClient second = resume(v, "dup-id");
    expectClosedWith(first, v, ReasonCode.SESSION_TAKEN_OVER);
    RawClient pub = connect(v, "pub");
    publish(pub, "take/over", "to the new one", 1, false);
    assertThat(text(receive(second))).isEqualTo("to the new one");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.4-2] [MQTT-3.1.2-6] (3.1.1) [MQTT-3.1.4-3] [MQTT-3.1.2-4] (5.0) a takeover with"
          + " clean start ends the first connection and discards its session")
  void takeoverWithCleanStart(MqttVersion v) {
    RawClient first = connectPersistent(v, "dup-clean");
    subscribeOk(first, "take/clean", 1);
    RawClient second = open(v);
    assertThat(connAck(second, "dup-clean", true, NO_PROPS, null).sessionPresent()).isFalse();
    expectClosedWith(first, v, ReasonCode.SESSION_TAKEN_OVER);
    subscribeOk(second, "take/marker", 0); // to show that the new session does receive
    RawClient pub = connect(v, "pub");
    publish(pub, "take/clean", "nobody", 1, false);
    expectNothingBeforeMarker(second, "take/marker");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.4-2] (3.1.1) [MQTT-3.1.4-3] (5.0) many connections racing for one client id leave"
          + " exactly one connected, owning a consistent session")
  void takeoverRace(MqttVersion v) throws Exception {
    RawClient owner = connectPersistent(v, "race");
    subscribeOk(owner, "race/t", 1);
    int n = 8;
    List<RawClient> racers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      racers.add(open(v));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ConnAck>> acks = new ArrayList<>();
    for (RawClient r : racers) {
      acks.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return connAck(r, "race", false, persistentProps(v), null);
              }));
    }
    go.countDown();
    for (CompletableFuture<ConnAck> a : acks) {
      ConnAck ack = a.get(10, TimeUnit.SECONDS);
      assertThat(ack.reasonCode()).isZero();
      assertThat(ack.sessionPresent()).as("every racer resumes the one session").isTrue();
    }
    owner.awaitClose(CLOSE);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> racers.stream().filter(RawClient::isOpen).count() == 1);
    RawClient winner = racers.stream().filter(RawClient::isOpen).findFirst().orElseThrow();
    RawClient pub = connect(v, "pub");
    publish(pub, "race/t", "to the winner", 1, false);
    assertThat(text(receive(winner))).isEqualTo("to the winner");
    var session = broker().broker().sessions().get("race");
    assertThat(onSessionLoop(session, session::isOnline)).isTrue();
    assertThat(broker().broker().sessions().size()).isEqualTo(2);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.4.0-1] [MQTT-3.2.0-1] on a resumed session, packets the client sent before CONNACK"
          + " are handled after the re-sends: each in-flight message is re-sent exactly once")
  void resumptionWithEarlyPackets(MqttVersion v) {
    RawClient c = connectPersistent(v, "early");
    subscribeOk(c, "early/t", 1);
    RawClient pub = connect(v, "pub");
    publish(pub, "early/r", "retained", 1, true);
    publish(pub, "early/t", "inflight", 1, false);
    Publish unacked = expectPublish(c);
    c.drop();

    RawClient back = open(v);
    byte[] connect =
        encode(new Connect(v, "early", false, 60, null, null, null, persistentProps(v)), v);
    byte[] subscribe =
        encode(new Subscribe(5, List.of(new Subscription("early/r", 1)), NO_PROPS), v);
    back.sendBytes(concat(connect, subscribe));
    assertThat(back.expect(ConnAck.class).sessionPresent()).isTrue();
    List<Publish> publishes = new ArrayList<>();
    boolean subAck = false;
    for (int i = 0; i < 3; i++) {
      Object o = back.poll(CLOSE);
      if (o instanceof SubAck) {
        subAck = true;
      } else {
        assertThat(o).isInstanceOf(Publish.class);
        publishes.add((Publish) o);
      }
    }
    assertThat(subAck).isTrue();
    assertThat(publishes).hasSize(2);
    assertThat(publishes.get(0).dup()).isTrue();
    assertThat(publishes.get(0).packetId()).isEqualTo(unacked.packetId());
    assertThat(text(publishes.get(0))).isEqualTo("inflight");
    assertThat(text(publishes.get(1))).isEqualTo("retained");
    assertThat(publishes.get(1).dup()).isFalse();
    back.send(new PubAck(publishes.get(0).packetId()));
    back.send(new PubAck(publishes.get(1).packetId()));
    back.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-23] [MQTT-4.1.0-2] (5.0) a session lives for its Session Expiry Interval after"
          + " the connection closes, then is discarded")
  void sessionExpiry() {
    MqttProperties oneSecond = MqttProperties.builder().sessionExpiryInterval(1L).build();
    RawClient c = connect(V5, "exp", false, oneSecond, null);
    subscribeOk(c, "exp/t", 1);
    c.drop();
    RawClient pub = connect(V5, "pub");
    publish(pub, "exp/t", "kept", 1, false);
    RawClient back = open(V5);
    assertThat(connAck(back, "exp", false, oneSecond, null).sessionPresent()).isTrue();
    assertThat(text(receive(back))).isEqualTo("kept");
    back.drop();
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> broker().broker().sessions().get("exp") == null);
    RawClient late = open(V5);
    assertThat(connAck(late, "exp", false, oneSecond, null).sessionPresent()).isFalse();
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-23] (5.0) without a Session Expiry Interval the session ends with the"
          + " connection")
  void noExpiryEndsWithConnection() {
    RawClient c = connect(V5, "zero", false, NO_PROPS, null);
    subscribeOk(c, "zero/t", 1);
    c.drop();
    await().atMost(CLOSE).until(() -> broker().broker().sessions().get("zero") == null);
    RawClient back = open(V5);
    assertThat(connAck(back, "zero", false, NO_PROPS, null).sessionPresent()).isFalse();
  }

  @Test
  @DisplayName(
      "(5.0 3.14.2.2.2) DISCONNECT may set the Session Expiry Interval: 0 ends the session at once")
  void disconnectChangesExpiry() {
    RawClient c = connectPersistent(V5, "dx");
    subscribeOk(c, "dx/t", 1);
    c.send(new Disconnect(0, MqttProperties.builder().sessionExpiryInterval(0L).build()));
    c.awaitClose(CLOSE);
    RawClient back = open(V5);
    assertThat(connAck(back, "dx", false, persistentProps(V5), null).sessionPresent()).isFalse();
  }

  @Test
  @DisplayName(
      "(5.0 3.14.2.2.2) a non-zero Session Expiry Interval on DISCONNECT after 0 on CONNECT is a"
          + " Protocol Error (DISCONNECT 0x82)")
  void disconnectExpiryAfterZero() {
    RawClient c = connect(V5, "dz");
    c.send(new Disconnect(0, MqttProperties.builder().sessionExpiryInterval(60L).build()));
    expectClosedWith(c, V5, ReasonCode.PROTOCOL_ERROR);
    // the session (expiry 0) ends as the broker sees the connection close
    await().atMost(CLOSE).until(() -> broker().broker().sessions().get("dz") == null);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.1.0-1] (3.1.1) [MQTT-4.1.0-1] (5.0) a session is kept while its connection is open,"
          + " across many subscribe and unsubscribe cycles")
  void stateKeptWhileConnected(MqttVersion v) {
    RawClient c = connect(v, "cycle");
    RawClient pub = connect(v, "pub");
    Set<String> got = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      subscribeOk(c, "cycle/" + i, 1);
      publish(pub, "cycle/" + i, "m" + i, 1, false);
      got.add(text(receive(c)));
    }
    assertThat(got).hasSize(10);
    assertThat(broker().broker().subscriptions().size()).isEqualTo(10);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-8] when the broker shuts down it publishes the Wills of connected clients and"
          + " (5.0) tells them with DISCONNECT 0x8B")
  void shutdown(MqttVersion v) {
    RawClient watcher = connect(v, "watcher");
    subscribeOk(watcher, "down/will", 0);
    RawClient c =
        connect(
            v,
            "victim",
            true,
            NO_PROPS,
            new Will("down/will", utf8("server gone"), 0, false, NO_PROPS));
    broker().broker().close();
    List<Object> before = watcher.awaitClose(CLOSE);
    assertThat(before).isNotEmpty();
    assertThat(before.get(0)).isInstanceOf(Publish.class);
    assertThat(text((Publish) before.get(0))).isEqualTo("server gone");
    List<Object> last = c.awaitClose(CLOSE);
    if (v == V5) {
      assertThat(last).hasSize(1);
      assertThat(((Disconnect) last.get(0)).reasonCode())
          .isEqualTo(ReasonCode.SERVER_SHUTTING_DOWN);
    } else {
      assertThat(last).isEmpty();
    }
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.4-2] (3.1.1) [MQTT-3.1.4-3] (5.0) takeovers racing with clean and persistent"
          + " starts leave one connection and one consistent session, round after round")
  void takeoverRaceRounds(MqttVersion v) throws Exception {
    RawClient pub = connect(v, "pub");
    for (int round = 0; round < 3; round++) {
      List<RawClient> racers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        racers.add(open(v));
      }
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<ConnAck>> acks = new ArrayList<>();
      for (int i = 0; i < racers.size(); i++) {
        RawClient r = racers.get(i);
        boolean clean = i % 2 == 0;
        acks.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return connAck(r, "rr", clean, clean ? NO_PROPS : persistentProps(v), null);
                }));
      }
      go.countDown();
      for (CompletableFuture<ConnAck> a : acks) {
        assertThat(a.get(10, TimeUnit.SECONDS).reasonCode()).isZero();
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> racers.stream().filter(RawClient::isOpen).count() == 1);
      RawClient winner = racers.stream().filter(RawClient::isOpen).findFirst().orElseThrow();
      subscribeOk(winner, "rr/" + round, 1);
      publish(pub, "rr/" + round, "round " + round, 1, false);
      assertThat(text(receive(winner))).isEqualTo("round " + round);
      var session = broker().broker().sessions().get("rr");
      assertThat(session).isNotNull();
      assertThat(onSessionLoop(session, session::isOnline)).isTrue();
      winner.drop();
    }
  }
}
