package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken input after a successful CONNECT: the broker closes that connection only (in 5.0 after a
 * DISCONNECT naming the reason), keeps everyone else's connections, sessions and retained messages,
 * and publishes the broken client's Will as for any connection it ends.
 */
@DisplayName("4.8 (3.1.1) / 4.13 (5.0) malformed packets and protocol errors")
class MalformedInputConformanceTest extends ConformanceBase {

  private static final int MALFORMED = ReasonCode.MALFORMED_PACKET;
  private static final int PROTOCOL = ReasonCode.PROTOCOL_ERROR;

  static Stream<Arguments> brokenPackets() {
    List<Arguments> cases = new ArrayList<>();
    for (MqttVersion v : List.of(V311, V5)) {
      byte[] subscribe = encode(new Subscribe(1, List.of(new Subscription("s", 0)), NO_PROPS), v);
      byte[] subscribeNoFlags = subscribe.clone();
      subscribeNoFlags[0] = (byte) 0x80;
      byte[] unsubscribe = encode(new Unsubscribe(1, List.of("s"), NO_PROPS), v);
      byte[] unsubscribeNoFlags = unsubscribe.clone();
      unsubscribeNoFlags[0] = (byte) 0xA0;
      byte[] subscribeQos3 = subscribe.clone();
      subscribeQos3[subscribeQos3.length - 1] = 0x03;
      byte[] subscribeReserved = subscribe.clone();
      subscribeReserved[subscribeReserved.length - 1] = (byte) 0xC0;
      byte[] publishQos3 = encode(publishPacket("t", "x", 1, false, 1), v);
      publishQos3[0] = 0x36;
      byte[] publishDupQos0 = encode(publishPacket("t", "x", 0, false, 0), v);
      publishDupQos0[0] = 0x38;
      byte[] publishIdZero = encode(publishPacket("t", "x", 1, false, 1), v);
      publishIdZero[6] = 0; // packet id 0x0001 -> 0x0000
      byte[] subscribeIdZero = subscribe.clone();
      subscribeIdZero[3] = 0;

      add(
          cases,
          v,
          "[MQTT-2.2.2-1] [MQTT-2.2.2-2] PINGREQ with flags 0001",
          MALFORMED,
          bytes(0xC1, 0));
      add(cases, v, "[MQTT-3.8.1-1] SUBSCRIBE with flags 0000", MALFORMED, subscribeNoFlags);
      add(cases, v, "[MQTT-3.10.1-1] UNSUBSCRIBE with flags 0000", MALFORMED, unsubscribeNoFlags);
      add(cases, v, "[MQTT-3.6.1-1] PUBREL with flags 0000", MALFORMED, bytes(0x60, 2, 0, 1));
      add(cases, v, "[MQTT-3.14.1-1] DISCONNECT with flags 0001", MALFORMED, bytes(0xE1, 0));
      add(cases, v, "[MQTT-3.3.1-4] PUBLISH with QoS 3", MALFORMED, publishQos3);
      add(cases, v, "[MQTT-3.3.1-2] QoS 0 PUBLISH with DUP 1", MALFORMED, publishDupQos0);
      add(
          cases,
          v,
          "[MQTT-2.3.1-1] (3.1.1) [MQTT-2.2.1-3] (5.0) QoS 1 PUBLISH with packet id 0",
          MALFORMED,
          publishIdZero);
      add(cases, v, "[MQTT-2.3.1-1] SUBSCRIBE with packet id 0", MALFORMED, subscribeIdZero);
      add(
          cases,
          v,
          "[MQTT-3-8.3-4] (3.1.1) (5.0 3.8.3.1) SUBSCRIBE requesting QoS 3",
          MALFORMED,
          subscribeQos3);
      add(
          cases,
          v,
          "[MQTT-3-8.3-4] (3.1.1) [MQTT-3.8.3-5] (5.0) SUBSCRIBE with reserved option bits",
          MALFORMED,
          subscribeReserved);
      add(
          cases,
          v,
          "[MQTT-3.8.3-3] (3.1.1) [MQTT-3.8.3-2] (5.0) SUBSCRIBE without a Topic Filter",
          PROTOCOL,
          v == V5 ? bytes(0x82, 3, 0, 1, 0) : bytes(0x82, 2, 0, 1));
      add(
          cases,
          v,
          "[MQTT-3.10.3-2] UNSUBSCRIBE without a Topic Filter",
          PROTOCOL,
          v == V5 ? bytes(0xA2, 3, 0, 1, 0) : bytes(0xA2, 2, 0, 1));
      add(
          cases,
          v,
          "(2.2.3 / 1.5.5) a Remaining Length of more than four bytes",
          MALFORMED,
          bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
      add(cases, v, "(2.2.1) the reserved packet type 0", MALFORMED, bytes(0x00, 0x00));
      add(
          cases,
          v,
          "(2.2.1) a CONNACK, which only a server sends",
          PROTOCOL,
          v == V5 ? bytes(0x20, 3, 0, 0, 0) : bytes(0x20, 2, 0, 0));
      add(
          cases,
          v,
          "[MQTT-1.5.3-1] (3.1.1) [MQTT-1.5.4-1] (5.0) ill-formed UTF-8 in a Topic Name",
          MALFORMED,
          publishWithTopicBytes(v, 0xC3, 0x28));
      add(
          cases,
          v,
          "[MQTT-1.5.3-1] (3.1.1) [MQTT-1.5.4-1] (5.0) an encoded surrogate (U+D800) in a Topic"
              + " Name",
          MALFORMED,
          publishWithTopicBytes(v, 0xED, 0xA0, 0x80));
      add(
          cases,
          v,
          "[MQTT-1.5.3-2] [MQTT-4.7.3-2] (3.1.1) [MQTT-1.5.4-2] (5.0) U+0000 in a Topic Name",
          MALFORMED,
          publishWithTopicBytes(v, 'a', 0x00));
      add(
          cases,
          v,
          "[MQTT-4.7.3-1] (3.1.1) a zero-length Topic Name / (5.0 3.3.2.1) without a Topic Alias",
          PROTOCOL,
          v == V5 ? bytes(0x30, 3, 0, 0, 0) : bytes(0x30, 2, 0, 0));
      add(
          cases,
          v,
          "(1.5.3) a string length running past the end of the packet",
          MALFORMED,
          bytes(0x30, 3, 0, 9, 'a'));
    }
    // MQTT 5.0 only
    add(
        cases,
        V5,
        "(5.0 2.2.2.2) a property not allowed in PUBLISH (Session Expiry Interval)",
        MALFORMED,
        bytes(0x30, 9, 0, 1, 't', 5, 0x11, 0, 0, 0, 1));
    add(
        cases,
        V5,
        "(5.0 2.2.2.2) a property given twice (Message Expiry Interval)",
        PROTOCOL,
        bytes(0x30, 15, 0, 1, 't', 10, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2, 'x'));
    add(
        cases,
        V5,
        "[MQTT-3.3.4-6] a PUBLISH from a client with a Subscription Identifier",
        PROTOCOL,
        bytes(0x30, 6, 0, 1, 't', 2, 0x0B, 1));
    add(
        cases,
        V5,
        "[MQTT-1.5.5-1] a Remaining Length not in its shortest form",
        MALFORMED,
        bytes(0x30, 0x84, 0x00, 0, 1, 't', 0));
    add(
        cases,
        V5,
        "(5.0 3.15) AUTH when the CONNECT had no Authentication Method",
        PROTOCOL,
        bytes(0xF0, 0));
    return cases.stream();
  }

  private static byte[] publishWithTopicBytes(MqttVersion v, int... topic) {
    byte[] head = bytes(0x30, 2 + topic.length + (v == V5 ? 1 : 0), 0, topic.length);
    byte[] tail = v == V5 ? bytes(0) : new byte[0];
    return concat(head, bytes(topic), tail);
  }

  private static void add(
      List<Arguments> cases, MqttVersion v, String name, int reasonCode, byte[] packet) {
    cases.add(Arguments.of(v.name() + ": " + name, v, reasonCode, packet));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPackets")
  @DisplayName(
      "[MQTT-4.8.0-1] (3.1.1) [MQTT-4.13.1-1] (5.0) a malformed packet or protocol error closes"
          + " only the connection it came on (5.0: after DISCONNECT with the reason); everyone"
          + " else keeps working")
  void brokenPacketClosesOnlyItsConnection(
      String name, MqttVersion v, int reasonCode, byte[] packet) {
    RawClient sub = connectPersistent(v, "bystander-sub");
    subscribeOk(sub, "bystander/#", 1);
    RawClient pub = connect(v, "bystander-pub");
    publish(pub, "bystander/retained", "r", 1, true);
    assertThat(receive(sub).retain()).isFalse();

    RawClient watcher = connect(v, "watcher");
    subscribeOk(watcher, "broken/will", 0);
    RawClient bad =
        connect(
            v,
            "broken",
            true,
            NO_PROPS,
            new Will("broken/will", utf8("broken"), 0, false, NO_PROPS));
    bad.sendBytes(packet);
    expectClosedWith(bad, v, reasonCode);
    assertThat(text(expectPublish(watcher))).isEqualTo("broken");

    publish(pub, "bystander/live", "still", 1, false);
    assertThat(text(receive(sub))).isEqualTo("still");
    RawClient late = connect(v, "late");
    subscribeOk(late, "bystander/retained", 1);
    assertThat(text(receive(late))).isEqualTo("r");
  }

  @BothVersions
  @DisplayName(
      "(2.1 / 3.1.2.1) bytes that are not MQTT at all (an HTTP request) close the connection with"
          + " no answer")
  void notMqtt(MqttVersion v) {
    RawClient c = open(v);
    c.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(c.awaitClose(CLOSE)).isEmpty();
  }

  @BothVersions
  @DisplayName(
      "(5.0 3.2.2.3.6: DISCONNECT 0x95; 3.1.1: closed) a packet larger than the server's"
          + " Maximum Packet Size closes the connection, checked before the body arrives")
  void oversizedPacket(MqttVersion v) {
    startBroker(c -> c.withLimits(1024, 1024, 128, 1000, 64L * 1024 * 1024));
    RawClient c = connect(v, "big");
    if (v == V5) {
      assertThat(c.version()).isEqualTo(V5);
    }
    // announce a 1 MB PUBLISH but send only its first bytes: the broker must not wait for the rest
    c.sendBytes(bytes(0x30, 0x80, 0x80, 0x40, 0, 1, 't'));
    expectClosedWith(c, v, ReasonCode.PACKET_TOO_LARGE);
  }

  @Test
  @DisplayName("(5.0 3.2.2.2) a CONNECT larger than the Maximum Packet Size gets CONNACK 0x95")
  void oversizedConnect() {
    startBroker(c -> c.withLimits(128, 1024, 128, 1000, 64L * 1024 * 1024));
    RawClient c = open(V5);
    c.send(new Connect(V5, "x".repeat(300), true, 60, null, null, null, NO_PROPS));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    assertThat(((ConnAck) before.get(0)).reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.14.4-3] bytes after a DISCONNECT are not processed: a PUBLISH behind it is not"
          + " delivered")
  void nothingAfterDisconnect(MqttVersion v) {
    RawClient sub = connect(v, "sub");
    subscribeOk(sub, "after/#", 0);
    RawClient c = connect(v, "quitter");
    c.sendBytes(
        concat(
            encode(Disconnect.NORMAL, v), encode(publishPacket("after/t", "x", 0, false, 0), v)));
    c.awaitClose(CLOSE);
    expectNothingBeforeMarker(sub, "after/t");
  }

  @Test
  @DisplayName(
      "(5.0 3.3.2.3.4) a DISCONNECT 0x82 reason carries a Reason String when problem information"
          + " was not refused")
  void protocolErrorExplained() {
    RawClient c = connect(V5, "c");
    c.send(
        new Publish(
            "t", utf8("x"), 0, false, false, 0, MqttProperties.builder().topicAlias(0).build()));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    Disconnect d = (Disconnect) before.get(0);
    assertThat(d.reasonCode()).isEqualTo(ReasonCode.TOPIC_ALIAS_INVALID);
    assertThat(d.properties().reasonString()).isNotBlank();
  }
}
