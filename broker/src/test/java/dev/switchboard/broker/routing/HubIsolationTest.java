package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.Principal;
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
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hubs isolate their clients inside one broker: the hub is the principal's (here the part of the
 * user name after '@', as the hub's authenticator does), and topics, retained messages, wills,
 * shared groups, sessions and {@code $SYS} are each hub's own. Every test checks that what must not
 * cross does not, and that what must arrive does.
 */
@DisplayName("Hubs: each hub's topics, retained messages, wills, shared groups and sessions")
class HubIsolationTest {
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
    broker = TestBroker.start(c -> c, BY_USER_NAME, Authorizer.ALLOW_ALL);
  }

  private RawClient open(MqttVersion v) {
    RawClient c = RawClient.open(broker.port(), v);
    clients.add(c);
    return c;
  }

  private RawClient connected(String clientId, String user) {
    return connected(clientId, user, true, null);
  }

  private RawClient connected(String clientId, String user, boolean clean, Will will) {
    RawClient c = open(V5);
    MqttProperties props =
        clean ? MqttProperties.EMPTY : MqttProperties.builder().sessionExpiryInterval(300L).build();
    c.send(new Connect(V5, clientId, clean, 60, user, null, will, props));
    assertThat(c.expect(ConnAck.class).reasonCode()).as("CONNACK of " + user).isZero();
    return c;
  }

  private static void subscribe(RawClient c, String filter) {
    c.send(new Subscribe(1, List.of(new Subscription(filter, 1)), MqttProperties.EMPTY));
    assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(1);
  }

  private static int publish(RawClient c, String topic, String payload, boolean retain) {
    c.send(
        new Publish(
            topic,
            payload.getBytes(StandardCharsets.UTF_8),
            1,
            retain,
            false,
            7,
            MqttProperties.EMPTY));
    return c.expect(PubAck.class).reasonCode();
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "a '#' subscriber of hub a never receives hub b's messages; b's own subscriber does, with"
          + " the topic exactly as published")
  void wildcardSubscribersSeeTheirHubOnly() {
    start();
    RawClient inA = connected("watcher", "w@a");
    RawClient inDefault = connected("watcher-2", "w");
    RawClient inB = connected("watcher", "w@b");
    subscribe(inA, "#");
    subscribe(inDefault, "#");
    subscribe(inB, "sensors/+/temp");
    RawClient publisher = connected("device_1", "device_1@b");

    assertThat(publish(publisher, "sensors/1/temp", "21.5", false)).isZero();

    Publish got = inB.expect(Publish.class);
    assertThat(got.topic()).isEqualTo("sensors/1/temp");
    assertThat(text(got)).isEqualTo("21.5");
    inA.expectNothing(QUIET);
    inDefault.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "a hub with no subscriber to a topic answers 'no matching subscribers', even when another"
          + " hub has one")
  void noMatchingSubscribersCountsTheHubOnly() {
    start();
    RawClient inA = connected("sub", "s@a");
    subscribe(inA, "t");
    RawClient inB = connected("pub", "p@b");
    RawClient alsoInA = connected("pub", "p@a");

    assertThat(publish(inB, "t", "x", false)).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    assertThat(publish(alsoInA, "t", "y", false)).isZero();
    assertThat(text(inA.expect(Publish.class))).isEqualTo("y");
  }

  @Test
  @DisplayName("retained messages are the hub's: a new subscriber gets its own hub's only")
  void retainedMessagesAreTheHubs() {
    start();
    RawClient inA = connected("d", "d@a");
    RawClient inB = connected("d", "d@b");
    publish(inA, "status", "from a", true);
    publish(inB, "status", "from b", true);

    RawClient lateA = connected("late", "late@a");
    subscribe(lateA, "#");
    Publish got = lateA.expect(Publish.class);
    assertThat(got.topic()).isEqualTo("status");
    assertThat(text(got)).isEqualTo("from a");
    lateA.expectNothing(QUIET);

    RawClient lateDefault = connected("late", "late");
    subscribe(lateDefault, "#");
    lateDefault.expectNothing(QUIET);
    assertThat(broker.broker().spaces().of("b").retained().size()).isEqualTo(1);
    assertThat(broker.broker().retained().size()).isZero();
  }

  @Test
  @DisplayName("a will goes to its own hub's subscribers only")
  void willsStayInTheirHub() {
    start();
    RawClient inA = connected("w", "w@a");
    RawClient inB = connected("w", "w@b");
    subscribe(inA, "lwt/#");
    subscribe(inB, "lwt/#");
    Will will =
        new Will(
            "lwt/device_1",
            "gone".getBytes(StandardCharsets.UTF_8),
            1,
            false,
            MqttProperties.EMPTY);
    RawClient dying = connected("device_1", "device_1@b", true, will);

    dying.drop();

    Publish got = inB.expect(Publish.class);
    assertThat(got.topic()).isEqualTo("lwt/device_1");
    assertThat(text(got)).isEqualTo("gone");
    inA.expectNothing(QUIET);
  }

  @Test
  @DisplayName("shared groups of one name in two hubs are two groups")
  void sharedGroupsAreTheHubs() {
    start();
    RawClient memberA = connected("m", "m@a");
    RawClient memberB = connected("m", "m@b");
    subscribe(memberA, "$share/workers/jobs");
    subscribe(memberB, "$share/workers/jobs");
    RawClient producerB = connected("p", "p@b");

    for (int i = 0; i < 3; i++) {
      assertThat(publish(producerB, "jobs", "job " + i, false)).isZero();
    }

    for (int i = 0; i < 3; i++) {
      assertThat(text(memberB.expect(Publish.class))).isEqualTo("job " + i);
    }
    memberA.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "device_1 in two hubs are two sessions: neither takes the other over; a second connection"
          + " in one hub takes over that hub's session only")
  void takeoverIsPerHub() {
    start();
    RawClient inA = connected("device_1", "device_1@a", false, null);
    RawClient inB = connected("device_1", "device_1@b", false, null);
    subscribe(inA, "cmd");

    assertThat(inA.isOpen()).isTrue();
    assertThat(inB.isOpen()).isTrue();
    assertThat(broker.broker().sessions().get("a", "device_1")).isNotNull();
    assertThat(broker.broker().sessions().get("b", "device_1")).isNotNull();
    assertThat(broker.broker().sessions().get("device_1")).isNull();

    RawClient again = open(V5);
    again.send(
        new Connect(
            V5,
            "device_1",
            false,
            60,
            "device_1@a",
            null,
            null,
            MqttProperties.builder().sessionExpiryInterval(300L).build()));
    ConnAck ack = again.expect(ConnAck.class);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.sessionPresent()).as("hub a's session, with its subscription").isTrue();
    assertThat(inA.awaitClose(Duration.ofSeconds(5)))
        .anyMatch(
            p -> p instanceof Disconnect d && d.reasonCode() == ReasonCode.SESSION_TAKEN_OVER);
    inB.expectNothing(QUIET);
    assertThat(inB.isOpen()).isTrue();

    RawClient publisher = connected("p", "p@a");
    publish(publisher, "cmd", "on", false);
    assertThat(text(again.expect(Publish.class))).isEqualTo("on");
  }

  @Test
  @DisplayName("$SYS/broker/... shows each hub its own figures")
  void sysShowsTheHubsOwnFigures() {
    broker =
        TestBroker.start(
            c -> c.withSysInterval(Duration.ofMillis(100)), BY_USER_NAME, Authorizer.ALLOW_ALL);
    RawClient inA = connected("a1", "a1@a");
    connected("a2", "a2@a");
    RawClient inB = connected("b1", "b1@b");
    publish(inB, "x", "1", false);
    publish(inB, "retained/one", "r", true);
    // the figures are published every 100 ms: wait for a round that has both messages
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "2".equals(retainedText("b", "$SYS/broker/messages/received")));

    Map<String, String> seenByA = sys(inA);
    Map<String, String> seenByB = sys(inB);

    assertThat(seenByA).containsEntry("clients/total", "2").containsEntry("clients/connected", "2");
    assertThat(seenByA).containsEntry("messages/received", "0");
    assertThat(seenByB).containsEntry("clients/total", "1").containsEntry("clients/connected", "1");
    assertThat(seenByB).containsEntry("messages/received", "2");
    assertThat(seenByB).doesNotContainKey("bytes/received");
    assertThat(retainedText(Principal.DEFAULT_HUB, "$SYS/broker/bytes/received")).isNotNull();
  }

  private String retainedText(String hub, String topic) {
    var found = broker.broker().spaces().of(hub).retained().match(topic);
    return found.isEmpty() ? null : new String(found.get(0).payload(), StandardCharsets.UTF_8);
  }

  /** The {@code $SYS/broker/...} figures a client sees, name to value, once they have come. */
  private static Map<String, String> sys(RawClient c) {
    c.send(new Subscribe(9, List.of(new Subscription("$SYS/broker/#", 0)), MqttProperties.EMPTY));
    c.expect(SubAck.class);
    Map<String, String> seen = new HashMap<>();
    while (!seen.containsKey("retained messages/count")) {
      Object o = c.poll(Duration.ofSeconds(5));
      assertThat(o).as("a $SYS message").isNotNull();
      if (o instanceof Publish p) {
        seen.put(p.topic().substring("$SYS/broker/".length()), text(p));
      }
    }
    return seen;
  }
}
