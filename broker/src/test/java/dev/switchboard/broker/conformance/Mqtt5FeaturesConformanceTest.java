package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
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
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.packet.Will;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("MQTT 5.0 features")
class Mqtt5FeaturesConformanceTest extends ConformanceBase {

  private static MqttProperties.Builder props() {
    return MqttProperties.builder();
  }

  private RawClient connect5(String clientId, MqttProperties props) {
    return connect(V5, clientId, true, props, null);
  }

  private static Subscription options(
      String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
    return new Subscription(filter, qos, noLocal, retainAsPublished, retainHandling);
  }

  private static MqttProperties subscriptionId(int id) {
    return props().addSubscriptionIdentifier(id).build();
  }

  private static Publish publish5(String topic, byte[] payload, int qos, MqttProperties props) {
    return new Publish(topic, payload, qos, false, false, 0, props);
  }

  // ================================================================ shared subscriptions

  @Nested
  @DisplayName("4.8.2 shared subscriptions")
  class SharedSubscriptions {

    @Test
    @DisplayName(
        "[MQTT-4.8.2-1] [MQTT-4.8.2-2] a malformed shared filter is a protocol error (DISCONNECT"
            + " 0x82), in SUBSCRIBE and UNSUBSCRIBE; a valid one is granted")
    void invalidShareNames() {
      String[] malformed = {
        "$share//a", "$share/g+/a", "$share/g#/a", "$share/g", "$share/g/a/#/b"
      };
      for (int i = 0; i < malformed.length; i++) {
        RawClient c = connect5("c" + i, NO_PROPS);
        c.send(
            new Subscribe(
                1,
                List.of(new Subscription("ok/a", 1), new Subscription(malformed[i], 1)),
                NO_PROPS));
        expectClosedWith(c, V5, ReasonCode.PROTOCOL_ERROR);
      }
      RawClient u = connect5("u", NO_PROPS);
      u.send(new Unsubscribe(1, List.of("$share//a"), NO_PROPS));
      expectClosedWith(u, V5, ReasonCode.PROTOCOL_ERROR);
      RawClient good = connect5("good", NO_PROPS);
      assertThat(subscribe(good, "$share/g/a/#", 1).reasonCodes()).containsExactly(1);
    }

    @Test
    @DisplayName(
        "(4.8.2) each message goes to exactly one member of a group, spread over the members;"
            + " every group and every non-shared subscription gets its own copy")
    void oneMemberPerGroup() {
      RawClient a = connect5("a", NO_PROPS);
      RawClient b = connect5("b", NO_PROPS);
      RawClient other = connect5("other", NO_PROPS);
      RawClient plain = connect5("plain", NO_PROPS);
      subscribeOk(a, "$share/g/jobs/+", 1);
      subscribeOk(b, "$share/g/jobs/+", 1);
      subscribeOk(other, "$share/h/jobs/#", 1);
      subscribeOk(plain, "jobs/+", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      for (int i = 0; i < 10; i++) {
        publish(pub, "jobs/x", "j" + i, 1, false);
      }
      assertThat(receivePayloads(plain, 10)).hasSize(10);
      assertThat(receivePayloads(other, 10)).hasSize(10);
      List<String> all = new ArrayList<>();
      List<String> toA = drain(a);
      List<String> toB = drain(b);
      all.addAll(toA);
      all.addAll(toB);
      assertThat(all).hasSize(10).doesNotHaveDuplicates();
      assertThat(toA).as("round robin uses both members").isNotEmpty();
      assertThat(toB).as("round robin uses both members").isNotEmpty();
    }

    private List<String> drain(RawClient c) {
      List<String> out = new ArrayList<>();
      Object o;
      while ((o = c.poll(QUIET)) != null) {
        Publish p = (Publish) o;
        acknowledge(c, p);
        out.add(text(p));
      }
      return out;
    }

    @Test
    @DisplayName("[MQTT-4.8.2-3] each member gets the messages at its own granted QoS")
    void grantedQosPerMember() {
      RawClient a = connect5("a", NO_PROPS);
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/q/t", 0);
      subscribeOk(b, "$share/q/t", 2);
      RawClient pub = connect5("pub", NO_PROPS);
      for (int i = 0; i < 4; i++) {
        publish(pub, "t", "m" + i, 2, false);
      }
      Object o;
      int seen = 0;
      while ((o = a.poll(QUIET)) != null) {
        assertThat(((Publish) o).qos()).isZero();
        seen++;
      }
      while ((o = b.poll(QUIET)) != null) {
        Publish p = (Publish) o;
        assertThat(p.qos()).isEqualTo(2);
        acknowledge(b, p);
        seen++;
      }
      assertThat(seen).isEqualTo(4);
    }

    @Test
    @DisplayName("(4.8.2) retained messages are not sent for a shared subscription")
    void noRetainedForShared() {
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "r/t", "retained", 1, true);
      RawClient a = connect5("a", NO_PROPS);
      subscribeOk(a, "$share/g/r/t", 1);
      expectNothingBeforeMarker(a, "r/t");
    }

    @Test
    @DisplayName(
        "(4.8.2) the unacknowledged QoS 1 message of a member whose connection breaks goes to"
            + " another member")
    void qos1RedistributedWhenMemberLeaves() {
      RawClient a = connect(V5, "a", false, persistentProps(V5), null);
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/g/work", 1);
      subscribeOk(b, "$share/g/work", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "work", "first", 1, false);
      publish(pub, "work", "second", 1, false);
      Publish toA = expectPublish(a); // not acknowledged
      Publish toB = receive(b);
      assertThat(Set.of(text(toA), text(toB))).containsExactlyInAnyOrder("first", "second");
      a.drop();
      Publish again = receive(b);
      assertThat(text(again)).isEqualTo(text(toA));
      b.expectNothing(QUIET);
    }

    @Test
    @DisplayName(
        "(4.8.2) messages queued for a member, not yet sent, go to another member when it leaves")
    void queuedRedistributedWhenMemberLeaves() {
      RawClient a = connect5("a", props().receiveMaximum(1).build());
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/g/work", 1);
      subscribeOk(b, "$share/g/work", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      for (int i = 0; i < 6; i++) {
        publish(pub, "work", "m" + i, 1, false);
      }
      Publish toA = expectPublish(a); // its window is full: the rest for it wait in its queue
      List<String> toB = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        toB.add(text(receive(b)));
      }
      b.expectNothing(QUIET);
      a.drop();
      for (int i = 0; i < 3; i++) {
        toB.add(text(receive(b)));
      }
      assertThat(toB).contains(text(toA)).doesNotHaveDuplicates();
      b.expectNothing(QUIET);
    }

    @Test
    @DisplayName(
        "[MQTT-4.8.2-4] a QoS 2 message in flight to a member whose connection breaks is"
            + " completed with that member when it reconnects, not given to another")
    void qos2StaysWithMember() {
      RawClient a = connect(V5, "a", false, persistentProps(V5), null);
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/g/exact", 2);
      subscribeOk(b, "$share/g/exact", 2);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "exact", "one", 2, false);
      publish(pub, "exact", "two", 2, false);
      Publish toA = expectPublish(a); // no PUBREC
      receive(b);
      a.drop();
      b.expectNothing(QUIET);
      RawClient back = open(V5);
      assertThat(connAck(back, "a", false, persistentProps(V5), null).sessionPresent()).isTrue();
      Publish again = expectPublish(back);
      assertThat(again.dup()).isTrue();
      assertThat(again.packetId()).isEqualTo(toA.packetId());
      acknowledge(back, again);
    }

    @Test
    @DisplayName(
        "[MQTT-4.8.2-5] a QoS 2 message in flight to a member whose session ends is not sent to"
            + " any other member")
    void qos2NotRedistributedWhenSessionEnds() {
      RawClient a = connect5("a", NO_PROPS); // session ends with the connection
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/g/exact", 2);
      subscribeOk(b, "$share/g/exact", 2);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "exact", "one", 2, false);
      publish(pub, "exact", "two", 2, false);
      expectPublish(a);
      receive(b);
      a.drop();
      b.expectNothing(QUIET);
    }

    @Test
    @DisplayName(
        "[MQTT-4.8.2-6] a message a member refuses with a reason code of 0x80 or more is discarded,"
            + " not sent to another member")
    void refusedMessageDiscarded() {
      RawClient a = connect5("a", NO_PROPS);
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/g/no", 1);
      subscribeOk(b, "$share/g/no", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "no", "one", 1, false);
      publish(pub, "no", "two", 1, false);
      Publish toA = expectPublish(a);
      receive(b);
      a.send(new PubAck(toA.packetId(), ReasonCode.UNSPECIFIED_ERROR, NO_PROPS));
      a.drop();
      b.expectNothing(QUIET);
    }

    @Test
    @DisplayName("[MQTT-3.8.3-4] No Local on a shared subscription is a Protocol Error")
    void noLocalOnShared() {
      RawClient c = connect5("c", NO_PROPS);
      c.send(new Subscribe(1, List.of(options("$share/g/t", 1, true, false, 0)), NO_PROPS));
      expectClosedWith(c, V5, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName(
        "[MQTT-3.10.4-1] [MQTT-3.10.4-2] a member that unsubscribes leaves the group; the others"
            + " get everything")
    void unsubscribeShared() {
      RawClient a = connect5("a", NO_PROPS);
      RawClient b = connect5("b", NO_PROPS);
      subscribeOk(a, "$share/g/u", 0);
      subscribeOk(b, "$share/g/u", 0);
      subscribeOk(a, "u/marker", 0); // to show that a still receives what it subscribes to
      a.send(new Unsubscribe(4, List.of("$share/g/u"), NO_PROPS));
      assertThat(a.expect(UnsubAck.class).reasonCodes()).containsExactly(0);
      RawClient pub = connect5("pub", NO_PROPS);
      for (int i = 0; i < 4; i++) {
        publish(pub, "u", "m" + i, 0, false);
      }
      assertThat(receivePayloads(b, 4)).containsExactly("m0", "m1", "m2", "m3");
      expectNothingBeforeMarker(a, "u/marker");
    }
  }

  // ================================================================ subscription identifiers

  @Nested
  @DisplayName("3.8.2.1.2 Subscription Identifier")
  class SubscriptionIdentifiers {

    @Test
    @DisplayName(
        "[MQTT-3.3.4-2] [MQTT-3.3.4-3] [MQTT-3.3.4-4] overlapping subscriptions: one copy at the"
            + " highest QoS carrying every matching Subscription Identifier")
    void overlapping() {
      RawClient sub = connect5("sub", NO_PROPS);
      subscribe(sub, subscriptionId(1), new Subscription("id/+", 0));
      subscribe(sub, subscriptionId(2), new Subscription("id/#", 2));
      subscribe(sub, NO_PROPS, new Subscription("#", 1));
      subscribe(sub, subscriptionId(3), new Subscription("other/#", 2));
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "id/x", "x", 2, false);
      Publish p = receive(sub);
      assertThat(p.qos()).isEqualTo(2);
      assertThat(p.properties().subscriptionIdentifiers()).containsExactlyInAnyOrder(1, 2);
      sub.expectNothing(QUIET);
    }

    @Test
    @DisplayName(
        "[MQTT-3.8.4-3] subscribing again without an identifier removes it; retained messages sent"
            + " on subscribe carry the identifier")
    void replacedAndRetained() {
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "sid/r", "retained", 0, true);
      RawClient sub = connect5("sub", NO_PROPS);
      subscribe(sub, subscriptionId(77), new Subscription("sid/+", 0));
      Publish retained = expectPublish(sub);
      assertThat(retained.properties().subscriptionIdentifiers()).containsExactly(77);
      publish(pub, "sid/a", "with", 0, false);
      assertThat(expectPublish(sub).properties().subscriptionIdentifiers()).containsExactly(77);
      subscribe(sub, NO_PROPS, options("sid/+", 0, false, false, 2));
      publish(pub, "sid/a", "without", 0, false);
      assertThat(expectPublish(sub).properties().subscriptionIdentifiers()).isEmpty();
    }

    @Test
    @DisplayName(
        "(3.3.4) a message through a shared subscription carries that subscription's identifier")
    void sharedCarriesItsId() {
      RawClient sub = connect5("sub", NO_PROPS);
      subscribe(sub, subscriptionId(9), new Subscription("$share/g/sh/t", 1));
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "sh/t", "x", 1, false);
      assertThat(receive(sub).properties().subscriptionIdentifiers()).containsExactly(9);
    }

    @Test
    @DisplayName(
        "(3.2.2.3.12) with identifiers switched off CONNACK says so and a SUBSCRIBE with one gets"
            + " DISCONNECT 0xA1")
    void notAvailable() {
      startBroker(c -> c.withFeatures(true, true, true, false));
      RawClient c = open(V5);
      ConnAck ack = connAck(c, "c", true, NO_PROPS, null);
      assertThat(ack.properties().subscriptionIdentifierAvailable()).isZero();
      c.send(new Subscribe(1, List.of(new Subscription("t", 0)), subscriptionId(1)));
      expectClosedWith(c, V5, ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED);
    }
  }

  // ================================================================ message expiry

  @Nested
  @DisplayName("3.3.2.3.3 Message Expiry Interval")
  class MessageExpiry {

    @Test
    @DisplayName(
        "[MQTT-3.3.2-6] a message is forwarded with its Message Expiry Interval less the time it"
            + " waited; one without keeps none")
    void forwardedWithRemaining() {
      RawClient sub = connect5("sub", NO_PROPS);
      subscribeOk(sub, "exp/#", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, publish5("exp/a", utf8("x"), 1, props().messageExpiryInterval(60L).build()));
      publish(pub, publish5("exp/b", utf8("y"), 1, NO_PROPS));
      assertThat(receive(sub).properties().messageExpiryInterval()).isBetween(55L, 60L);
      assertThat(receive(sub).properties().messageExpiryInterval()).isNull();
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.2-5] a message that expires while queued for an offline session is not sent;"
            + " others are, with the time they waited taken off")
    void expiredWhileQueued() throws InterruptedException {
      RawClient sub = connect(V5, "sub", false, persistentProps(V5), null);
      subscribeOk(sub, "exp/q", 1);
      disconnect(sub);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, publish5("exp/q", utf8("short"), 1, props().messageExpiryInterval(1L).build()));
      publish(pub, publish5("exp/q", utf8("long"), 1, props().messageExpiryInterval(60L).build()));
      publish(pub, publish5("exp/q", utf8("forever"), 1, NO_PROPS));
      Thread.sleep(1200);
      RawClient back = open(V5);
      assertThat(connAck(back, "sub", false, persistentProps(V5), null).sessionPresent()).isTrue();
      Publish p1 = receive(back);
      assertThat(text(p1)).isEqualTo("long");
      assertThat(p1.properties().messageExpiryInterval()).isBetween(55L, 59L);
      assertThat(text(receive(back))).isEqualTo("forever");
      back.expectNothing(QUIET);
    }

    @Test
    @DisplayName("[MQTT-3.3.2-5] an expired retained message is no longer sent to new subscribers")
    void retainedExpires() throws InterruptedException {
      RawClient pub = connect5("pub", NO_PROPS);
      publish(
          pub,
          new Publish(
              "exp/r",
              utf8("brief"),
              0,
              true,
              false,
              0,
              props().messageExpiryInterval(1L).build()));
      RawClient early = connect5("early", NO_PROPS);
      subscribeOk(early, "exp/r", 0);
      assertThat(expectPublish(early).properties().messageExpiryInterval()).isEqualTo(1L);
      Thread.sleep(1200);
      RawClient late = connect5("late", NO_PROPS);
      subscribeOk(late, "exp/r", 0);
      expectNothingBeforeMarker(late, "exp/r");
    }
  }

  // ================================================================ topic aliases

  @Nested
  @DisplayName("3.3.2.3.4 Topic Alias")
  class TopicAliases {

    private Publish aliased(String topic, int alias, String payload) {
      return publish5(topic, utf8(payload), 0, props().topicAlias(alias).build());
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.2-12] the server accepts aliases up to its Topic Alias Maximum; the alias is"
            + " resolved, may be remapped, and is not forwarded")
    void clientToServer() {
      startBroker(c -> c.withTopicAliasMaximum(5));
      RawClient sub = connect5("sub", NO_PROPS);
      subscribeOk(sub, "ta/#", 0);
      RawClient pub = open(V5);
      ConnAck ack = connAck(pub, "pub", true, NO_PROPS, null);
      assertThat(ack.properties().topicAliasMaximum()).isEqualTo(5);
      pub.send(aliased("ta/x", 5, "1"));
      pub.send(aliased("", 5, "2"));
      pub.send(aliased("ta/y", 5, "3"));
      pub.send(aliased("", 5, "4"));
      for (String expected : List.of("ta/x=1", "ta/x=2", "ta/y=3", "ta/y=4")) {
        Publish p = expectPublish(sub);
        assertThat(p.topic() + "=" + text(p)).isEqualTo(expected);
        assertThat(p.properties().topicAlias()).isNull();
      }
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.2-8] [MQTT-3.3.2-9] a Topic Alias of 0 or above the maximum gets DISCONNECT"
            + " 0x94")
    void outOfRange() {
      startBroker(c -> c.withTopicAliasMaximum(5));
      for (int alias : new int[] {0, 6}) {
        RawClient c = connect5("c" + alias, NO_PROPS);
        c.send(aliased("t", alias, "x"));
        expectClosedWith(c, V5, ReasonCode.TOPIC_ALIAS_INVALID);
      }
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.2-7] alias mappings do not survive the connection: an unknown alias is a"
            + " Protocol Error")
    void notCarriedAcrossConnections() {
      RawClient c = connect(V5, "c", false, persistentProps(V5), null);
      c.send(aliased("tb/x", 1, "x"));
      disconnect(c);
      RawClient back = connect(V5, "c", false, persistentProps(V5), null);
      back.send(aliased("", 1, "y"));
      expectClosedWith(back, V5, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName(
        "[MQTT-3.1.2-26] [MQTT-3.3.2-11] the server sends aliases only up to the client's Topic"
            + " Alias Maximum, and reuses them")
    void serverToClient() {
      RawClient sub = connect5("sub", props().topicAliasMaximum(2).build());
      subscribeOk(sub, "tc/#", 0);
      RawClient pub = connect5("pub", NO_PROPS);
      Map<String, Integer> aliases = new HashMap<>();
      for (String topic : List.of("tc/1", "tc/1", "tc/2", "tc/3", "tc/2", "tc/1", "tc/3")) {
        publish(pub, topic, topic, 0, false);
        Publish p = expectPublish(sub);
        Integer alias = p.properties().topicAlias();
        String resolved = p.topic();
        if (alias != null) {
          assertThat(alias).isBetween(1, 2);
          if (p.topic().isEmpty()) {
            resolved =
                aliases.entrySet().stream()
                    .filter(e -> e.getValue().equals(alias))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("alias " + alias + " never set"));
          } else {
            aliases.values().remove(alias);
            aliases.put(p.topic(), alias);
          }
        }
        assertThat(resolved).isEqualTo(text(p));
      }
      assertThat(aliases).hasSize(2);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-27] a client that sets no Topic Alias Maximum never gets an alias")
    void noAliasesWithoutMaximum() {
      RawClient sub = connect5("sub", NO_PROPS);
      subscribeOk(sub, "td/#", 0);
      RawClient pub = connect5("pub", NO_PROPS);
      for (int i = 0; i < 3; i++) {
        publish(pub, "td/x", "x", 0, false);
        Publish p = expectPublish(sub);
        assertThat(p.topic()).isEqualTo("td/x");
        assertThat(p.properties().topicAlias()).isNull();
      }
    }

    @Test
    @DisplayName(
        "[MQTT-3.1.2-24] [MQTT-3.3.2-11] a message dropped for the client's Maximum Packet Size does"
            + " not leave an alias behind that the client never learnt")
    void aliasNotLeftByDroppedMessage() {
      RawClient sub = connect5("sub", props().topicAliasMaximum(5).maximumPacketSize(100L).build());
      subscribeOk(sub, "te/x", 0);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "te/x", "x".repeat(200), 0, false);
      publish(pub, "te/x", "small", 0, false);
      Publish p = expectPublish(sub);
      assertThat(text(p)).isEqualTo("small");
      assertThat(p.topic()).as("first PUBLISH the client sees on this topic").isEqualTo("te/x");
    }
  }

  // ================================================================ receive maximum

  @Nested
  @DisplayName("3.1.2.11.3 / 4.9 Receive Maximum")
  class ReceiveMaximum {

    @Test
    @DisplayName(
        "[MQTT-3.3.4-9] [MQTT-4.9.0-2] [MQTT-4.9.0-3] no more unacknowledged QoS 1 and 2 PUBLISHes"
            + " than the client's Receive Maximum; other packets are still answered")
    void serverToClient() {
      RawClient sub = connect5("sub", props().receiveMaximum(2).build());
      subscribeOk(sub, "rm/t", 2);
      RawClient pub = connect5("pub", NO_PROPS);
      for (int i = 0; i < 5; i++) {
        publish(pub, "rm/t", "m" + i, 1 + i % 2, false);
      }
      Publish p0 = expectPublish(sub);
      Publish p1 = expectPublish(sub);
      sub.expectNothing(QUIET);
      sub.send(PingReq.INSTANCE);
      sub.expect(PingResp.class);
      assertThat(subscribe(sub, "rm/other", 0).reasonCodes()).containsExactly(0);

      sub.send(new PubAck(p0.packetId()));
      Publish p2 = expectPublish(sub);
      assertThat(text(p2)).isEqualTo("m2");
      sub.expectNothing(QUIET);
      sub.send(new PubRec(p1.packetId())); // QoS 2 holds its slot until PUBCOMP
      sub.expect(PubRel.class);
      sub.expectNothing(QUIET);
      sub.send(new PubComp(p1.packetId()));
      assertThat(text(receive(sub))).isEqualTo("m3");
      acknowledge(sub, p2);
      assertThat(text(receive(sub))).isEqualTo("m4");
    }

    @Test
    @DisplayName(
        "(3.3.4) a PUBREC with a reason code of 0x80 or more frees its slot in the Receive Maximum"
            + " window")
    void refusedPubRecFreesSlot() {
      RawClient sub = connect5("sub", props().receiveMaximum(1).build());
      subscribeOk(sub, "rm/t", 2);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "rm/t", "a", 2, false);
      publish(pub, "rm/t", "b", 2, false);
      Publish a = expectPublish(sub);
      sub.expectNothing(QUIET);
      sub.send(new PubRec(a.packetId(), ReasonCode.UNSPECIFIED_ERROR, NO_PROPS));
      assertThat(text(receive(sub))).isEqualTo("b");
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.4-7] (client side) more unreleased QoS 2 PUBLISHes than the server's Receive"
            + " Maximum get DISCONNECT 0x93")
    void clientToServer() {
      startBroker(c -> c.withLimits(268_435_455, 2, 128, 1000, 64L * 1024 * 1024));
      RawClient c = open(V5);
      ConnAck ack = connAck(c, "c", true, NO_PROPS, null);
      assertThat(ack.properties().receiveMaximum()).isEqualTo(2);
      for (int i = 1; i <= 2; i++) {
        c.send(publishPacket("rm/in", "m", 2, false, i));
        c.expect(PubRec.class);
      }
      c.send(publishPacket("rm/in", "m", 2, false, 3));
      expectClosedWith(c, V5, ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
    }

    @Test
    @DisplayName(
        "(4.13.2) the DISCONNECT that ends a connection reaches the client even when the client"
            + " has sent much more after its violation: the server reads on before it closes, so"
            + " the connection is not reset under the DISCONNECT")
    void disconnectSurvivesUnreadInput() throws InterruptedException {
      startBroker(c -> c.withLimits(268_435_455, 2, 128, 1000, 64L * 1024 * 1024));
      RawClient c = open(V5);
      assertThat(connAck(c, "c", true, NO_PROPS, null).reasonCode()).isZero();
      for (int i = 1; i <= 2; i++) {
        c.send(publishPacket("rm/in", "m", 2, false, i));
        c.expect(PubRec.class);
      }
      byte[] violation = encode(publishPacket("rm/in", "m", 2, false, 3), V5);
      byte[] more = encode(publishPacket("rm/more", "x".repeat(1024), 0, false, 0), V5);
      byte[][] parts = new byte[4001][];
      parts[0] = violation;
      for (int i = 1; i < parts.length; i++) {
        parts[i] = more;
      }
      byte[] burst = concat(parts);
      Thread sender =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      c.sendBytes(burst);
                    } catch (RuntimeException ignored) {
                      // a reset connection fails the write; the assertion below says why
                    }
                  });
      expectClosedWith(c, V5, ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
      sender.join(CLOSE.toMillis());
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.4-9] [MQTT-4.4.0-1] on resumption the re-sent messages respect the new"
            + " connection's Receive Maximum, in order, with their original packet ids")
    void resendRespectsNewWindow() {
      MqttProperties wide = props().sessionExpiryInterval(60L).receiveMaximum(10).build();
      MqttProperties narrow = props().sessionExpiryInterval(60L).receiveMaximum(2).build();
      RawClient c = connect(V5, "c", false, wide, null);
      subscribeOk(c, "rm/r", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        publish(pub, "rm/r", "m" + i, 1, false);
      }
      for (int i = 0; i < 5; i++) {
        ids.add(expectPublish(c).packetId());
      }
      c.drop();
      RawClient back = open(V5);
      assertThat(connAck(back, "c", false, narrow, null).sessionPresent()).isTrue();
      Publish r0 = expectPublish(back);
      Publish r1 = expectPublish(back);
      back.expectNothing(QUIET);
      assertThat(List.of(r0.packetId(), r1.packetId())).containsExactly(ids.get(0), ids.get(1));
      assertThat(r0.dup() && r1.dup()).isTrue();
      back.send(new PubAck(r0.packetId()));
      Publish r2 = expectPublish(back);
      assertThat(r2.packetId()).isEqualTo(ids.get(2));
      assertThat(r2.dup()).isTrue();
      back.send(new PubAck(r1.packetId()));
      back.send(new PubAck(r2.packetId()));
      assertThat(List.of(text(receive(back)), text(receive(back)))).containsExactly("m3", "m4");
    }
  }

  // ================================================================ maximum packet size

  @Nested
  @DisplayName("3.1.2.11.4 / 3.2.2.3.6 Maximum Packet Size")
  class MaximumPacketSize {

    @Test
    @DisplayName(
        "[MQTT-3.2.2-15] CONNACK announces the server's Maximum Packet Size; a bigger PUBLISH gets"
            + " DISCONNECT 0x95")
    void clientToServer() {
      startBroker(c -> c.withLimits(1000, 1024, 128, 1000, 64L * 1024 * 1024));
      RawClient c = open(V5);
      assertThat(connAck(c, "c", true, NO_PROPS, null).properties().maximumPacketSize())
          .isEqualTo(1000L);
      c.send(publishPacket("mps/t", "x".repeat(990), 0, false, 0));
      expectClosedWith(c, V5, ReasonCode.PACKET_TOO_LARGE);
    }

    @Test
    @DisplayName(
        "[MQTT-3.1.2-24] [MQTT-3.1.2-25] a message bigger than the client's Maximum Packet Size is"
            + " not sent but discarded as if delivered; smaller ones are sent")
    void serverToClient() {
      RawClient sub =
          connect(
              V5,
              "sub",
              false,
              props().sessionExpiryInterval(60L).maximumPacketSize(100L).build(),
              null);
      subscribeOk(sub, "mps/#", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      long droppedBefore = broker().broker().metrics().publishDroppedTooLarge.sum();
      publish(pub, "mps/big", "x".repeat(150), 1, false);
      publish(pub, "mps/small", "fits", 1, false);
      Publish p = expectPublish(sub);
      assertThat(text(p)).isEqualTo("fits");
      sub.drop();
      RawClient back = open(V5);
      ConnAck ack = connAck(back, "sub", false, persistentProps(V5), null);
      assertThat(ack.sessionPresent()).isTrue();
      Publish again = expectPublish(back);
      assertThat(text(again)).as("only the small one was in flight").isEqualTo("fits");
      back.send(new PubAck(again.packetId()));
      back.expectNothing(QUIET);
      assertThat(broker().broker().metrics().publishDroppedTooLarge.sum())
          .isEqualTo(droppedBefore + 1);
    }

    @Test
    @DisplayName(
        "[MQTT-3.1.2-24] not even a CONNACK exceeds the client's Maximum Packet Size: one that does"
            + " not fit closes the connection unsent; one that fits arrives")
    void connAckTooLargeForTheClient() {
      RawClient tiny = open(V5);
      tiny.send(
          new Connect(
              V5, "tiny", true, 60, null, null, null, props().maximumPacketSize(10L).build()));
      assertThat(tiny.awaitClose(CLOSE)).as("nothing sent before the close").isEmpty();

      RawClient enough = open(V5);
      ConnAck ack = connAck(enough, "enough", true, props().maximumPacketSize(64L).build(), null);
      assertThat(ack.reasonCode()).isZero();
    }
  }

  // ================================================================ problem information,
  // properties

  @Nested
  @DisplayName("3.1.2.11.7 Request Problem Information and forwarded properties")
  class PropertiesAndProblems {

    private static final byte[] NOT_UTF8 = {(byte) 0xC3, 0x28};

    @Test
    @DisplayName(
        "[MQTT-3.1.2-29] with Request Problem Information 0 no Reason String or User Property is"
            + " sent on PUBACK, PUBREC or SUBACK; by default the server explains failures")
    void requestProblemInformation() {
      // wildcards off: a well-formed filter this client may not use gets a SUBACK failure
      startBroker(c -> c.withFeatures(true, false, true, true));
      MqttProperties utf8 = props().payloadFormatIndicator(1).build();
      RawClient quiet = connect5("quiet", props().requestProblemInformation(0).build());
      quiet.send(new Publish("rpi/t", NOT_UTF8, 1, false, false, 1, utf8));
      PubAck ack = quiet.expect(PubAck.class);
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      assertThat(ack.properties().reasonString()).isNull();
      assertThat(ack.properties().userProperties()).isEmpty();
      quiet.send(new Publish("rpi/t", NOT_UTF8, 2, false, false, 2, utf8));
      PubRec rec = quiet.expect(PubRec.class);
      assertThat(rec.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      assertThat(rec.properties().isEmpty()).isTrue();
      SubAck sub = subscribe(quiet, "any/#", 0);
      assertThat(sub.reasonCodes())
          .containsExactly(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED);
      assertThat(sub.properties().isEmpty()).isTrue();

      RawClient chatty = connect5("chatty", NO_PROPS);
      chatty.send(new Publish("rpi/t", NOT_UTF8, 1, false, false, 1, utf8));
      PubAck explained = chatty.expect(PubAck.class);
      assertThat(explained.reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      assertThat(explained.properties().reasonString()).isNotBlank();
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.2-4] [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18]"
            + " [MQTT-3.3.2-20] Payload Format Indicator, Response Topic, Correlation Data, User"
            + " Properties (in order) and Content Type are forwarded unaltered")
    void forwardedProperties() {
      List<UserProperty> users =
          List.of(
              new UserProperty("b", "2"),
              new UserProperty("a", "1"),
              new UserProperty("b", "3"),
              new UserProperty("ü", ""));
      MqttProperties sent =
          props()
              .payloadFormatIndicator(1)
              .responseTopic("reply/to/me")
              .correlationData(new byte[] {0, 1, 2, (byte) 0xFF})
              .userProperties(users)
              .contentType("application/json; charset=utf-8")
              .build();
      RawClient s1 = connect5("s1", NO_PROPS);
      RawClient s2 = connect5("s2", NO_PROPS);
      subscribeOk(s1, "fw/#", 2);
      subscribeOk(s2, "fw/t", 0);
      RawClient legacy = connect(V311, "legacy");
      subscribeOk(legacy, "fw/t", 1);
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, publish5("fw/t", utf8("{\"v\":1}"), 2, sent));
      for (RawClient s : List.of(s1, s2)) {
        MqttProperties got = receive(s).properties();
        assertThat(got.payloadFormatIndicator()).isEqualTo(1);
        assertThat(got.responseTopic()).isEqualTo("reply/to/me");
        assertThat(got.correlationData()).isEqualTo(new byte[] {0, 1, 2, (byte) 0xFF});
        assertThat(got.userProperties()).containsExactlyElementsOf(users);
        assertThat(got.contentType()).isEqualTo("application/json; charset=utf-8");
      }
      assertThat(text(receive(legacy))).isEqualTo("{\"v\":1}");
    }

    @Test
    @DisplayName(
        "(3.3.2.3.2) a payload not UTF-8 under Payload Format Indicator 1: PUBACK or PUBREC 0x99"
            + " and not delivered [MQTT-4.3.3-9], DISCONNECT 0x99 at QoS 0; valid ones are"
            + " delivered")
    void payloadFormatInvalid() {
      MqttProperties utf8 = props().payloadFormatIndicator(1).build();
      RawClient sub = connect5("sub", NO_PROPS);
      subscribeOk(sub, "pfi/#", 2);
      RawClient pub = connect5("pub", NO_PROPS);
      pub.send(new Publish("pfi/t", NOT_UTF8, 1, false, false, 1, utf8));
      assertThat(pub.expect(PubAck.class).reasonCode())
          .isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      pub.send(new Publish("pfi/t", NOT_UTF8, 2, false, false, 2, utf8));
      assertThat(pub.expect(PubRec.class).reasonCode())
          .isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      // [MQTT-4.3.3-9]: after a PUBREC of 0x80 or more the same packet id is a new message
      pub.send(new Publish("pfi/t", utf8("fine ✓"), 2, false, false, 2, utf8));
      assertThat(pub.expect(PubRec.class).reasonCode()).isZero();
      pub.send(new PubRel(2));
      pub.expect(PubComp.class);
      pub.send(new Publish("pfi/bin", NOT_UTF8, 0, false, false, 0, NO_PROPS));
      assertThat(text(receive(sub))).isEqualTo("fine ✓");
      assertThat(receive(sub).payload()).isEqualTo(NOT_UTF8);
      sub.expectNothing(QUIET);
      pub.send(new Publish("pfi/t", NOT_UTF8, 0, false, false, 0, utf8));
      expectClosedWith(pub, V5, ReasonCode.PAYLOAD_FORMAT_INVALID);
    }

    @Test
    @DisplayName(
        "(3.1.3.2.3) a Will payload not UTF-8 under Payload Format Indicator 1 gets CONNACK 0x99")
    void willPayloadFormatInvalid() {
      RawClient c = open(V5);
      Will will = new Will("w", NOT_UTF8, 0, false, props().payloadFormatIndicator(1).build());
      assertThat(connAck(c, "c", true, NO_PROPS, will).reasonCode())
          .isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      c.awaitClose(CLOSE);
    }
  }

  // ================================================================ subscription options

  @Nested
  @DisplayName("3.8.3.1 Subscription Options")
  class SubscriptionOptions {

    @Test
    @DisplayName(
        "[MQTT-3.8.3-3] No Local: a client's own messages are not sent back to it through that"
            + " subscription")
    void noLocal() {
      RawClient self = connect5("self", NO_PROPS);
      subscribe(self, NO_PROPS, options("nl/t", 1, true, false, 0));
      RawClient other = connect5("other", NO_PROPS);
      subscribe(other, NO_PROPS, options("nl/t", 1, true, false, 0));
      publish(self, "nl/t", "mine", 1, false);
      assertThat(text(receive(other))).isEqualTo("mine");
      self.expectNothing(QUIET);
      publish(other, "nl/t", "theirs", 1, false);
      assertThat(text(receive(self))).isEqualTo("theirs");
      subscribe(self, NO_PROPS, options("nl/#", 1, false, false, 0));
      publish(self, "nl/t", "overlap", 1, false);
      Publish p = receive(self);
      assertThat(text(p)).isEqualTo("overlap");
      self.expectNothing(QUIET);
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.1-12] [MQTT-3.3.1-13] Retain As Published keeps the RETAIN flag of live"
            + " messages; without it RETAIN is 0")
    void retainAsPublished() {
      RawClient rap = connect5("rap", NO_PROPS);
      subscribe(rap, NO_PROPS, options("rap/t", 0, false, true, 0));
      RawClient plain = connect5("plain", NO_PROPS);
      subscribe(plain, NO_PROPS, options("rap/t", 0, false, false, 0));
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "rap/t", "retained", 0, true);
      publish(pub, "rap/t", "live", 0, false);
      assertThat(expectPublish(rap).retain()).isTrue();
      assertThat(expectPublish(rap).retain()).isFalse();
      assertThat(expectPublish(plain).retain()).isFalse();
      assertThat(expectPublish(plain).retain()).isFalse();
    }

    @Test
    @DisplayName(
        "[MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11] Retain Handling 0 always sends retained"
            + " messages on subscribe, 1 only for a new subscription, 2 never")
    void retainHandling() {
      RawClient pub = connect5("pub", NO_PROPS);
      publish(pub, "rh/t", "r", 0, true);
      RawClient c = connect5("c", NO_PROPS);
      for (int round = 0; round < 2; round++) {
        subscribe(c, NO_PROPS, options("rh/t", 0, false, false, 0));
        assertThat(expectPublish(c).retain()).as("handling 0, round %d", round).isTrue();
      }
      RawClient d = connect5("d", NO_PROPS);
      subscribe(d, NO_PROPS, options("rh/t", 0, false, false, 1));
      assertThat(expectPublish(d).retain()).as("handling 1, new subscription").isTrue();
      subscribe(d, NO_PROPS, options("rh/t", 0, false, false, 1));
      d.expectNothing(QUIET);
      RawClient e = connect5("e", NO_PROPS);
      subscribe(e, NO_PROPS, options("rh/t", 0, false, false, 2));
      e.expectNothing(QUIET);
      publish(pub, "rh/t", "live", 0, false);
      assertThat(text(expectPublish(e))).isEqualTo("live");
      assertThat(text(expectPublish(d)))
          .as("d's first message after subscribing again")
          .isEqualTo("live");
    }
  }

  // ================================================================ CONNACK

  @Nested
  @DisplayName("3.2.2.3 CONNACK properties")
  class ConnAckProperties {

    @Test
    @DisplayName(
        "[MQTT-3.1.3-6] [MQTT-3.1.3-7] [MQTT-3.2.2-16] a zero-length client id gets a unique"
            + " Assigned Client Identifier, which names a resumable session")
    void assignedClientId() {
      Set<String> assigned = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        RawClient c = open(V5);
        ConnAck ack = connAck(c, "", false, persistentProps(V5), null);
        assertThat(ack.reasonCode()).isZero();
        String id = ack.properties().assignedClientIdentifier();
        assertThat(id).isNotBlank();
        assigned.add(id);
        subscribeOk(c, "assigned/" + i, 1);
        c.drop();
      }
      assertThat(assigned).hasSize(2);
      String id = assigned.iterator().next();
      RawClient back = open(V5);
      ConnAck ack = connAck(back, id, false, persistentProps(V5), null);
      assertThat(ack.sessionPresent()).isTrue();
      assertThat(ack.properties().assignedClientIdentifier()).isNull();
    }

    @Test
    @DisplayName(
        "[MQTT-3.2.2-9] CONNACK announces what the server supports: Maximum QoS, Retain, Wildcard,"
            + " Shared and Subscription Identifier availability, Receive Maximum, Topic Alias"
            + " Maximum, Maximum Packet Size")
    void capabilities() {
      startBroker(
          c ->
              c.withMaxQos(1)
                  .withFeatures(false, false, false, false)
                  .withTopicAliasMaximum(7)
                  .withLimits(5000, 20, 128, 1000, 1 << 20));
      RawClient c = open(V5);
      MqttProperties p = connAck(c, "c", true, NO_PROPS, null).properties();
      assertThat(p.maximumQos()).isEqualTo(1);
      assertThat(p.retainAvailable()).isZero();
      assertThat(p.wildcardSubscriptionAvailable()).isZero();
      assertThat(p.sharedSubscriptionAvailable()).isZero();
      assertThat(p.subscriptionIdentifierAvailable()).isZero();
      assertThat(p.receiveMaximum()).isEqualTo(20);
      assertThat(p.topicAliasMaximum()).isEqualTo(7);
      assertThat(p.maximumPacketSize()).isEqualTo(5000L);

      SubAck ack =
          subscribe(
              c,
              NO_PROPS,
              new Subscription("w/+", 1),
              new Subscription("$share/g/t", 1),
              new Subscription("plain", 2));
      assertThat(ack.reasonCodes())
          .containsExactly(
              ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
              ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
              1);
    }

    @Test
    @DisplayName(
        "(3.2.2.3.2) a Session Expiry Interval above the server's maximum is lowered and the"
            + " CONNACK says so")
    void sessionExpiryCapped() {
      startBroker(c -> c.withSessions(30, false));
      RawClient c = open(V5);
      ConnAck ack = connAck(c, "c", false, props().sessionExpiryInterval(3600L).build(), null);
      assertThat(ack.properties().sessionExpiryInterval()).isEqualTo(30L);
      RawClient d = open(V5);
      ConnAck ok = connAck(d, "d", false, props().sessionExpiryInterval(10L).build(), null);
      assertThat(ok.properties().sessionExpiryInterval()).isNull();
    }

    @Test
    @DisplayName(
        "(3.15) an AUTH packet when the CONNECT had no Authentication Method is a Protocol Error")
    void authWithoutMethod() {
      RawClient c = connect5("c", NO_PROPS);
      c.send(new Auth(ReasonCode.RE_AUTHENTICATE, NO_PROPS));
      expectClosedWith(c, V5, ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  @DisplayName(
      "(4.10) request/response: a responder answers on the Response Topic with the Correlation"
          + " Data")
  void requestResponse() {
    RawClient requester = connect5("requester", NO_PROPS);
    subscribeOk(requester, "resp/requester", 1);
    RawClient responder = connect5("responder", NO_PROPS);
    subscribeOk(responder, "req/+", 1);
    publish(
        requester,
        publish5(
            "req/time",
            utf8("what time is it"),
            1,
            props().responseTopic("resp/requester").correlationData(utf8("42")).build()));
    Publish request = receive(responder);
    publish(
        responder,
        publish5(
            request.properties().responseTopic(),
            utf8("noon"),
            1,
            props().correlationData(request.properties().correlationData()).build()));
    Publish response = receive(requester);
    assertThat(text(response)).isEqualTo("noon");
    assertThat(response.properties().correlationData()).isEqualTo(utf8("42"));
  }
}
