package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("3.3 PUBLISH and 4.3 QoS flows")
class PublishConformanceTest extends ConformanceBase {

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.1-1] [MQTT-3.3.2-3] QoS 0 is delivered once with QoS 0, DUP 0, no packet id and"
          + " the published topic")
  void qos0(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "q0/+", 2);
    RawClient pub = connect(v, "pub");
    publish(pub, "q0/x", "zero", 0, false);
    Publish p = expectPublish(sub);
    assertThat(p.topic()).isEqualTo("q0/x");
    assertThat(text(p)).isEqualTo("zero");
    assertThat(p.qos()).isZero();
    assertThat(p.dup()).isFalse();
    assertThat(p.packetId()).isZero();
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-2.3.1-6] (3.1.1) [MQTT-4.3.2-1] [MQTT-4.3.2-2]"
          + " [MQTT-4.3.2-4] [MQTT-2.2.1-5] (5.0) QoS 1 both ways: PUBACK with the PUBLISH's packet"
          + " id, delivery with a non-zero id and DUP 0")
  void qos1(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "q1", 1);
    RawClient pub = connect(v, "pub");
    pub.send(publishPacket("q1", "one", 1, false, 4711));
    PubAck ack = pub.expect(PubAck.class);
    assertThat(ack.packetId()).isEqualTo(4711);
    assertThat(ack.reasonCode()).isZero();

    Publish p = expectPublish(sub);
    assertThat(p.qos()).isEqualTo(1);
    assertThat(p.dup()).isFalse();
    assertThat(p.packetId()).isNotZero();
    assertThat(text(p)).isEqualTo("one");
    sub.send(new PubAck(p.packetId()));
    sub.expectNothing(QUIET); // acknowledged: not sent again
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.3-2] (3.1.1) [MQTT-4.3.3-8] [MQTT-4.3.3-11] (5.0) QoS 2 from a client: PUBREC"
          + " with the packet id, PUBREL answered by PUBCOMP with the same id")
  void qos2Inbound(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "q2", 2);
    RawClient pub = connect(v, "pub");
    pub.send(publishPacket("q2", "two", 2, false, 17));
    PubRec rec = pub.expect(PubRec.class);
    assertThat(rec.packetId()).isEqualTo(17);
    assertThat(rec.reasonCode()).isZero();
    pub.send(new PubRel(17));
    assertThat(pub.expect(PubComp.class).packetId()).isEqualTo(17);
    assertThat(text(receive(sub))).isEqualTo("two");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.3-1] (3.1.1) [MQTT-4.3.3-1] [MQTT-4.3.3-2] [MQTT-4.3.3-4] [MQTT-4.3.3-6] (5.0)"
          + " QoS 2 to a subscriber: PUBLISH DUP 0, PUBREL after PUBREC with the same id, no"
          + " PUBLISH again after the PUBREL")
  void qos2Outbound(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "q2", 2);
    RawClient pub = connect(v, "pub");
    publish(pub, "q2", "two", 2, false);
    Publish p = expectPublish(sub);
    assertThat(p.qos()).isEqualTo(2);
    assertThat(p.dup()).isFalse();
    assertThat(p.packetId()).isNotZero();
    sub.send(new PubRec(p.packetId()));
    assertThat(sub.expect(PubRel.class).packetId()).isEqualTo(p.packetId());
    sub.expectNothing(QUIET); // waits for PUBCOMP; never re-sends the PUBLISH
    sub.send(new PubComp(p.packetId()));
    sub.expectNothing(QUIET);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.3-2] (3.1.1) [MQTT-4.3.3-10] [MQTT-4.3.3-12] (5.0) a QoS 2 PUBLISH resent before"
          + " PUBREL is acknowledged again but not delivered twice; after PUBCOMP the id is new")
  void qos2Deduplication(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "dedup", 2);
    RawClient pub = connect(v, "pub");

    Publish first = publishPacket("dedup", "once", 2, false, 9);
    pub.send(first);
    assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(9);
    pub.send(first.withPacketId(9, true)); // DUP resend
    assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(9);
    pub.send(first.withPacketId(9, false)); // even without DUP it is the same message
    assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(9);

    assertThat(text(receive(sub))).isEqualTo("once");
    sub.expectNothing(QUIET);

    pub.send(new PubRel(9));
    assertThat(pub.expect(PubComp.class).packetId()).isEqualTo(9);

    pub.send(publishPacket("dedup", "again", 2, false, 9));
    assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(9);
    pub.send(new PubRel(9));
    pub.expect(PubComp.class);
    assertThat(text(receive(sub))).isEqualTo("again");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.3.2-2] (3.1.1) [MQTT-4.3.2-5] (5.0) after PUBACK a QoS 1 PUBLISH with the same"
          + " packet id is a new publication, whatever its DUP flag")
  void qos1IdReuse(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "reuse", 1);
    RawClient pub = connect(v, "pub");
    pub.send(publishPacket("reuse", "a", 1, false, 3));
    pub.expect(PubAck.class);
    pub.send(publishPacket("reuse", "b", 1, false, 3).withPacketId(3, true));
    pub.expect(PubAck.class);
    assertThat(receivePayloads(sub, 2)).containsExactly("a", "b");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.1-3] the DUP flag of an incoming PUBLISH is not propagated to subscribers")
  void dupNotPropagated(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "dup", 1);
    RawClient pub = connect(v, "pub");
    pub.send(publishPacket("dup", "d", 1, false, 5).withPacketId(5, true));
    pub.expect(PubAck.class);
    Publish p = receive(sub);
    assertThat(p.dup()).isFalse();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.8.4-6] (3.1.1) [MQTT-3.8.4-8] (5.0) a message goes out at the minimum of its QoS"
          + " and the granted QoS")
  void qosDowngrade(MqttVersion v) {
    RawClient sub0 = connect(v, "sub0");
    subscribeOk(sub0, "qos/t", 0);
    RawClient sub1 = connect(v, "sub1");
    subscribeOk(sub1, "qos/t", 1);
    RawClient sub2 = connect(v, "sub2");
    subscribeOk(sub2, "qos/t", 2);
    RawClient pub = connect(v, "pub");
    for (int published = 0; published <= 2; published++) {
      publish(pub, "qos/t", "q" + published, published, false);
      assertThat(receive(sub0).qos()).isZero();
      assertThat(receive(sub1).qos()).isEqualTo(Math.min(published, 1));
      assertThat(receive(sub2).qos()).isEqualTo(published);
    }
  }

  @BothVersions
  @DisplayName(
      "[MQTT-2.3.1-4] (3.1.1) [MQTT-2.2.1-4] (5.0) messages in flight to one client have"
          + " distinct non-zero packet ids")
  void distinctPacketIds(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "ids", 2);
    RawClient pub = connect(v, "pub");
    for (int i = 0; i < 20; i++) {
      publish(pub, "ids", "m" + i, 1 + i % 2, false);
    }
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Publish p = expectPublish(sub); // none acknowledged yet
      assertThat(p.packetId()).isNotZero();
      assertThat(ids.add(p.packetId())).as("packet id %d unique", p.packetId()).isTrue();
    }
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.6.0-5] [MQTT-4.6.0-6] messages from one client on one topic arrive in the order"
          + " they were published, per QoS")
  void ordering(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "order", 2);
    RawClient pub = connect(v, "pub");
    List<String> sent = new ArrayList<>();
    for (int qos = 0; qos <= 2; qos++) {
      for (int i = 0; i < 30; i++) {
        String payload = qos + ":" + i;
        // QoS 1 and 2 are sent without waiting for their acknowledgements
        pub.send(publishPacket("order", payload, qos, false, 100 * (qos + 1) + i));
        sent.add(payload);
      }
    }
    List<String> got = receivePayloads(sub, sent.size());
    assertThat(got).containsExactlyElementsOf(sent);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.5.0-1] a message is given to every session with a matching subscription, and"
          + " topic matching is exact (case, empty levels, no normalization [MQTT-4.7.3-4])")
  void fanOutAndExactMatching(MqttVersion v) {
    List<RawClient> subs = new ArrayList<>();
    for (String filter : List.of("Fan/Out", "Fan/+", "#", "+/Out")) {
      RawClient s = connect(v, "sub-" + subs.size());
      subscribeOk(s, filter, 0);
      subs.add(s);
    }
    RawClient other = connect(v, "other");
    for (String filter : List.of("fan/out", "Fan//Out", "Fan/Out/", "Fan/Out ")) {
      subscribeOk(other, filter, 0);
    }
    RawClient pub = connect(v, "pub");
    publish(pub, "Fan/Out", "all", 0, false);
    for (RawClient s : subs) {
      assertThat(text(expectPublish(s))).isEqualTo("all");
    }
    expectNothingBeforeMarker(other, "fan/out");
  }

  @BothVersions
  @DisplayName("a zero-byte payload and a 300 KB payload are delivered unchanged")
  void payloadSizes(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "sizes", 1);
    RawClient pub = connect(v, "pub");
    publish(pub, "sizes", "", 1, false);
    byte[] big = new byte[300 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    publish(pub, new Publish("sizes", big, 1, false, false, 0, NO_PROPS));
    assertThat(receive(sub).payload()).isEmpty();
    assertThat(receive(sub).payload()).isEqualTo(big);
  }

  @BothVersions
  @DisplayName(
      "(3.1.1 4.3.3 / 5.0 3.7.2.1) a PUBREL for an unknown packet id is answered with PUBCOMP"
          + " (5.0: 0x92 Packet Identifier not found); an unknown PUBACK is ignored")
  void unknownAcknowledgements(MqttVersion v) {
    RawClient c = connect(v, "c");
    c.send(new PubRel(77));
    PubComp comp = c.expect(PubComp.class);
    assertThat(comp.packetId()).isEqualTo(77);
    assertThat(comp.reasonCode())
        .isEqualTo(v == V5 ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS);
    c.send(new PubAck(78));
    c.send(new PubComp(79));
    c.send(PingReq.INSTANCE);
    c.expect(PingResp.class);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.3.2-2] [MQTT-4.7.1-1] (3.1.1) [MQTT-3.3.2-2] (5.0) a Topic Name with a wildcard"
          + " closes the connection (5.0: DISCONNECT 0x90)")
  void wildcardTopicName(MqttVersion v) {
    RawClient watcher = connect(v, "watcher");
    subscribeOk(watcher, "#", 0);
    for (String topic : List.of("a/+", "a/#", "+")) {
      RawClient c = connect(v, "bad");
      c.send(publishPacket(topic, "x", 0, false, 0));
      expectClosedWith(c, v, ReasonCode.TOPIC_NAME_INVALID);
    }
    expectNothingBeforeMarker(watcher, "a/b");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.2.2-11] (5.0) a PUBLISH above the server's Maximum QoS closes the connection with"
          + " DISCONNECT 0x9B (3.1.1: closed); SUBSCRIBE at any QoS is still accepted"
          + " [MQTT-3.2.2-10]")
  void qosAboveMaximum(MqttVersion v) {
    startBroker(c -> c.withMaxQos(1));
    RawClient c = connect(v, "c");
    assertThat(subscribe(c, "max/qos", 2).reasonCodes()).containsExactly(1);
    c.send(publishPacket("max/qos", "too much", 2, false, 1));
    expectClosedWith(c, v, ReasonCode.QOS_NOT_SUPPORTED);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.2.2-14] (5.0) a retained PUBLISH when retain is not available closes the connection"
          + " with DISCONNECT 0x9A (3.1.1: closed)")
  void retainNotAvailable(MqttVersion v) {
    startBroker(c -> c.withFeatures(false, true, true, true));
    RawClient c = connect(v, "c");
    c.send(publishPacket("no/retain", "x", 0, true, 0));
    expectClosedWith(c, v, ReasonCode.RETAIN_NOT_SUPPORTED);
  }

  @Test
  @DisplayName(
      "[MQTT-4.8.0-1] (3.1.1) an acknowledgement of the wrong type is a protocol violation: a"
          + " PUBCOMP for a QoS 1 message, a PUBREC for QoS 1, a PUBACK for QoS 2 close the"
          + " connection; the right ones complete their flows")
  void wrongAcknowledgementType311() {
    RawClient pub = connect(V311, "pub");
    String[] wrong = {"pubcomp-for-qos1", "pubrec-for-qos1", "puback-for-qos2"};
    for (String kind : wrong) {
      RawClient sub = connect(V311, "sub-" + kind);
      subscribeOk(sub, "ack/" + kind, 2);
      int qos = kind.endsWith("qos2") ? 2 : 1;
      publish(pub, "ack/" + kind, "m", qos, false);
      Publish p = expectPublish(sub);
      sub.send(
          switch (kind) {
            case "pubcomp-for-qos1" -> new PubComp(p.packetId());
            case "pubrec-for-qos1" -> new PubRec(p.packetId());
            default -> new PubAck(p.packetId());
          });
      expectClosedWith(sub, V311, 0);
    }
    // the right acknowledgements on the same flows
    RawClient good = connect(V311, "good");
    subscribeOk(good, "ack/good/#", 2);
    publish(pub, "ack/good/1", "one", 1, false);
    publish(pub, "ack/good/2", "two", 2, false);
    assertThat(text(receive(good))).isEqualTo("one");
    assertThat(text(receive(good))).isEqualTo("two");
    good.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "(5.0) a PUBREC for a QoS 1 message gets PUBREL 0x92 and a stray PUBCOMP is ignored; the"
          + " connection goes on")
  void wrongAcknowledgementType5() {
    RawClient pub = connect(V5, "pub");
    RawClient sub = connect(V5, "sub");
    subscribeOk(sub, "ack5/#", 1);
    publish(pub, "ack5/a", "a", 1, false);
    Publish p = expectPublish(sub);
    sub.send(new PubRec(p.packetId()));
    assertThat(sub.expect(PubRel.class).reasonCode())
        .isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
    sub.send(new PubComp(p.packetId()));
    sub.send(new PubAck(p.packetId()));
    publish(pub, "ack5/b", "b", 1, false);
    assertThat(text(receive(sub))).isEqualTo("b");
  }
}
