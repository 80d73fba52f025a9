package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;

@DisplayName("3.8 SUBSCRIBE, 3.10 UNSUBSCRIBE and 4.7 topic matching")
class SubscribeConformanceTest extends ConformanceBase {

  @BothVersions
  @DisplayName(
      "[MQTT-3.8.4-1] [MQTT-3.8.4-2] [MQTT-3.8.4-4] [MQTT-3.8.4-5] [MQTT-3.9.3-1] (3.1.1)"
          + " [MQTT-3.8.4-5] [MQTT-3.8.4-6] [MQTT-3.8.4-7] [MQTT-3.9.3-1] (5.0) one SUBACK with the"
          + " packet id and one code per filter, in order")
  void subAckPerFilter(MqttVersion v) {
    RawClient c = connect(v, "c");
    SubAck ack =
        subscribe(
            c,
            NO_PROPS,
            new Subscription("a/2", 2),
            new Subscription("a/0", 0),
            new Subscription("a/1", 1));
    assertThat(ack.reasonCodes()).containsExactly(2, 0, 1);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.7.3-1] [MQTT-4.8.0-1] an empty or malformed filter in"
          + " SUBSCRIBE or UNSUBSCRIBE is a protocol violation: the connection ends (5.0: DISCONNECT"
          + " 0x82); other clients go on")
  void invalidFilters(MqttVersion v) {
    String[] malformed = {"a/#/b", "a+", "a/b#", "+a/b", "#/x", ""};
    for (int i = 0; i < malformed.length; i++) {
      RawClient c = connect(v, "c" + i);
      c.send(
          new Subscribe(
              1,
              List.of(new Subscription("ok/1", 1), new Subscription(malformed[i], 1)),
              NO_PROPS));
      expectClosedWith(c, v, ReasonCode.PROTOCOL_ERROR);
    }
    RawClient u = connect(v, "u");
    u.send(new Unsubscribe(1, List.of("ok/1", "a/#/b"), NO_PROPS));
    expectClosedWith(u, v, ReasonCode.PROTOCOL_ERROR);
    RawClient good = connect(v, "good");
    subscribeOk(good, "ok/1", 1);
    RawClient pub = connect(v, "pub");
    publish(pub, "ok/1", "still works", 1, false);
    assertThat(text(receive(good))).isEqualTo("still works");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.8.0-1] a SUBSCRIBE with one malformed filter takes no effect at all: the"
          + " well-formed filters before it are not subscribed either")
  void malformedSubscribeAppliesNothing(MqttVersion v) {
    RawClient c = connectPersistent(v, "keeper");
    subscribeOk(c, "kept/1", 1);
    c.send(
        new Subscribe(
            7, List.of(new Subscription("new/1", 1), new Subscription("bad/#/x", 1)), NO_PROPS));
    expectClosedWith(c, v, ReasonCode.PROTOCOL_ERROR);
    var session = broker().broker().sessions().get("keeper");
    assertThat(session).as("the persistent session stays").isNotNull();
    assertThat(onSessionLoop(session, () -> List.copyOf(session.subscriptions())))
        .extracting(e -> e.filterKey())
        .containsExactly("kept/1");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.8.4-3] (3.1.1) [MQTT-3.8.4-3] (5.0) subscribing again to the same filter replaces"
          + " the subscription: new QoS, one copy, no message lost")
  void resubscribeReplaces(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "re/sub", 0);
    subscribeOk(sub, "re/sub", 2);
    RawClient pub = connect(v, "pub");
    publish(pub, "re/sub", "x", 2, false);
    assertThat(receive(sub).qos()).isEqualTo(2);
    sub.expectNothing(QUIET);
    subscribeOk(sub, "re/sub", 1);
    publish(pub, "re/sub", "y", 2, false);
    assertThat(receive(sub).qos()).isEqualTo(1);
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.7.1-2] [MQTT-4.7.1-3] (3.1.1) [MQTT-4.7.1-1] [MQTT-4.7.1-2] (5.0) '#' matches the"
          + " parent and every level below, '+' exactly one level (the examples of 4.7.1)")
  void wildcardMatching(MqttVersion v) {
    Map<String, List<String>> cases =
        Map.of(
            "sport/tennis/player1/#",
            List.of(
                "sport/tennis/player1",
                "sport/tennis/player1/ranking",
                "sport/tennis/player1/score/wimbledon"),
            "sport/#",
            List.of("sport", "sport/tennis"),
            "#",
            List.of("a", "/a", "a/b/c"),
            "sport/tennis/+",
            List.of("sport/tennis/player1", "sport/tennis/player2"),
            "sport/+",
            List.of("sport/"),
            "+/+",
            List.of("/finance", "a/b"),
            "/+",
            List.of("/finance"),
            "+",
            List.of("finance"));
    Map<String, List<String>> nonMatches =
        Map.of(
            "sport/tennis/+",
            List.of("sport/tennis/player1/ranking", "sport/tennis"),
            "sport/+",
            List.of("sport", "sport/a/b"),
            "+",
            List.of("/finance", "a/b"),
            "/+",
            List.of("finance", "/a/b"));
    RawClient pub = connect(v, "pub");
    int n = 0;
    for (String filter : cases.keySet()) {
      RawClient sub = connect(v, "sub" + n++);
      subscribeOk(sub, filter, 0);
      for (String topic : nonMatches.getOrDefault(filter, List.of())) {
        publish(pub, topic, "no:" + topic, 0, false);
      }
      for (String topic : cases.get(filter)) {
        publish(pub, topic, "yes:" + topic, 0, false);
      }
      for (String topic : cases.get(filter)) {
        Publish p = expectPublish(sub);
        assertThat(text(p)).as(filter).isEqualTo("yes:" + topic);
      }
      sub.expectNothing(SHORT_QUIET);
      disconnect(sub);
    }
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with '$';"
          + " filters naming the '$' level do")
  void dollarTopics(MqttVersion v) {
    RawClient wild = connect(v, "wild");
    subscribeOk(wild, "#", 0);
    subscribeOk(wild, "+/monitor/Clients", 0);
    subscribeOk(wild, "+", 0);
    RawClient named = connect(v, "named");
    // ($SYS itself is the broker's: clients may not publish there; any $-topic will do)
    subscribeOk(named, "$dash/#", 0);
    subscribeOk(named, "$dash/monitor/+", 0);
    subscribeOk(named, "$app", 0);
    RawClient pub = connect(v, "pub");
    publish(pub, "$dash/monitor/Clients", "sys", 0, false);
    publish(pub, "$app", "app", 0, false);
    expectNothingBeforeMarker(wild, "monitor");
    assertThat(text(expectPublish(named))).isEqualTo("sys"); // one copy for two filters
    assertThat(text(expectPublish(named))).isEqualTo("app");
    named.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.5-1] (3.1.1) [MQTT-3.3.4-2] (5.0) overlapping subscriptions give one copy at the"
          + " highest granted QoS")
  void overlappingSubscriptions(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "over/+", 0);
    subscribeOk(sub, "over/#", 2);
    subscribeOk(sub, "over/lap", 1);
    subscribeOk(sub, "#", 0);
    RawClient pub = connect(v, "pub");
    publish(pub, "over/lap", "x", 2, false);
    Publish p = receive(sub);
    assertThat(p.qos()).isEqualTo(2);
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.10.4-1] [MQTT-3.10.4-2] [MQTT-3.10.4-4] UNSUBSCRIBE compares filters exactly, stops"
          + " delivery, and is answered with an UNSUBACK with its packet id")
  void unsubscribe(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "un/sub", 0);
    subscribeOk(sub, "un/+", 0);
    sub.send(new Unsubscribe(21, List.of("un/#"), NO_PROPS)); // not the same filter as un/+
    UnsubAck none = sub.expect(UnsubAck.class);
    assertThat(none.packetId()).isEqualTo(21);
    RawClient pub = connect(v, "pub");
    publish(pub, "un/sub", "1", 0, false);
    assertThat(text(expectPublish(sub))).isEqualTo("1");

    sub.send(new Unsubscribe(22, List.of("un/+"), NO_PROPS));
    assertThat(sub.expect(UnsubAck.class).packetId()).isEqualTo(22);
    publish(pub, "un/sub", "2", 0, false);
    assertThat(text(expectPublish(sub))).as("un/sub still subscribed").isEqualTo("2");

    sub.send(new Unsubscribe(23, List.of("un/sub"), NO_PROPS));
    sub.expect(UnsubAck.class);
    publish(pub, "un/sub", "3", 0, false);
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.10.4-5] [MQTT-3.10.4-6] (3.1.1) [MQTT-3.10.4-5] [MQTT-3.10.4-6] [MQTT-3.11.3-1]"
          + " [MQTT-3.11.3-2] (5.0) one UNSUBACK for several filters, even when none existed (5.0:"
          + " a code per filter, 0x11 for none)")
  void unsubAckCodes(MqttVersion v) {
    RawClient c = connect(v, "c");
    subscribeOk(c, "b", 0);
    c.send(new Unsubscribe(5, List.of("a", "b", "c"), NO_PROPS));
    UnsubAck ack = c.expect(UnsubAck.class);
    assertThat(ack.packetId()).isEqualTo(5);
    if (v == V5) {
      assertThat(ack.reasonCodes())
          .containsExactly(
              ReasonCode.NO_SUBSCRIPTION_EXISTED,
              ReasonCode.SUCCESS,
              ReasonCode.NO_SUBSCRIPTION_EXISTED);
    } else {
      assertThat(ack.reasonCodes()).isEmpty();
    }
    c.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.10.4-3] messages in flight when their subscription is removed are still completed")
  void inFlightCompletedAfterUnsubscribe(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "flight/1", 1);
    subscribeOk(sub, "flight/2", 2);
    RawClient pub = connect(v, "pub");
    publish(pub, "flight/1", "one", 1, false);
    publish(pub, "flight/2", "two", 2, false);
    Publish p1 = expectPublish(sub);
    Publish p2 = expectPublish(sub);
    sub.send(new Unsubscribe(9, List.of("flight/1", "flight/2"), NO_PROPS));
    sub.expect(UnsubAck.class);
    sub.send(new PubAck(p1.packetId()));
    sub.send(new PubRec(p2.packetId()));
    assertThat(sub.expect(PubRel.class).packetId()).isEqualTo(p2.packetId());
    sub.send(new PubComp(p2.packetId()));
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.8.4-3] subscriptions of other sessions to the same filter are independent: one"
          + " unsubscribing stops only its own copies")
  void independentSessions(MqttVersion v) {
    List<RawClient> subs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawClient s = connect(v, "s" + i);
      subscribeOk(s, "shared/filter/#", 1);
      subs.add(s);
    }
    subscribeOk(subs.get(1), "shared/marker", 0); // to show that it still receives
    subs.get(1).send(new Unsubscribe(3, List.of("shared/filter/#"), NO_PROPS));
    subs.get(1).expect(UnsubAck.class);
    RawClient pub = connect(v, "pub");
    publish(pub, "shared/filter/x", "m", 1, false);
    assertThat(text(receive(subs.get(0)))).isEqualTo("m");
    assertThat(text(receive(subs.get(2)))).isEqualTo("m");
    expectNothingBeforeMarker(subs.get(1), "shared/marker");
  }
}
