package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.Will;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("3.1 CONNECT and 3.2 CONNACK")
class ConnectConformanceTest extends ConformanceBase {

  /** Index of the Connect Flags byte in a small CONNECT with protocol name "MQTT". */
  private static final int FLAGS = 9;

  /** Index of the Protocol Level byte in a small CONNECT with protocol name "MQTT". */
  private static final int LEVEL = 8;

  @BothVersions
  @DisplayName("[MQTT-3.1.0-1] a first packet other than CONNECT closes the connection, no CONNACK")
  void firstPacketMustBeConnect(MqttVersion v) {
    RawClient c = open(v);
    c.send(PingReq.INSTANCE);
    assertThat(c.awaitClose(CLOSE)).isEmpty();
  }

  @BothVersions
  @DisplayName("[MQTT-3.1.0-2] a second CONNECT is a protocol violation and closes the connection")
  void secondConnectCloses(MqttVersion v) {
    RawClient c = connect(v, "twice");
    c.send(connectPacket(v, "twice", true));
    expectClosedWith(c, v, ReasonCode.PROTOCOL_ERROR);
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-2] (3.1.1) an unsupported protocol level gets CONNACK 0x01 and the connection"
          + " is closed")
  void unsupportedLevel() {
    byte[] connect = encode(connectPacket(V311, "lvl", true), V311);
    connect[LEVEL] = 6;
    RawClient c = open(V311);
    c.sendBytes(connect);
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    ConnAck ack = (ConnAck) before.get(0);
    assertThat(ack.reasonCode()).isEqualTo(ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION);
    assertThat(ack.sessionPresent()).isFalse();
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-1] (5.0) a protocol name other than MQTT from a level 5 client gets CONNACK"
          + " 0x84 and the connection is closed")
  void wrongProtocolName() {
    byte[] connect = encode(connectPacket(V5, "name", true), V5);
    connect[4] = 'X'; // "MXTT"
    RawClient c = open(V5);
    c.sendBytes(connect);
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    assertThat(((ConnAck) before.get(0)).reasonCode())
        .isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-3] [MQTT-3.1.4-1] (3.1.1) the reserved Connect Flag set closes the connection"
          + " without a CONNACK")
  void reservedFlagV311() {
    byte[] connect = encode(connectPacket(V311, "rsv", true), V311);
    connect[FLAGS] |= 0x01;
    RawClient c = open(V311);
    c.sendBytes(connect);
    assertThat(c.awaitClose(CLOSE)).isEmpty();
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-3] (5.0) the reserved Connect Flag set is a Malformed Packet: CONNACK 0x81, then"
          + " close")
  void reservedFlagV5() {
    byte[] connect = encode(connectPacket(V5, "rsv", true), V5);
    connect[FLAGS] |= 0x01;
    RawClient c = open(V5);
    c.sendBytes(connect);
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    assertThat(((ConnAck) before.get(0)).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-14] (3.1.1) Will QoS 3 closes the connection without a CONNACK [MQTT-3.1.4-1]")
  void willQos3() {
    Will will = new Will("w", utf8("x"), 1, false, NO_PROPS);
    byte[] connect = encode(new Connect(V311, "wq3", true, 60, null, null, will, NO_PROPS), V311);
    connect[FLAGS] |= 0x18; // QoS bits 11
    RawClient c = open(V311);
    c.sendBytes(connect);
    assertThat(c.awaitClose(CLOSE)).isEmpty();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-13] [MQTT-3.1.2-15] (3.1.1) [MQTT-3.1.2-11] [MQTT-3.1.2-13] (5.0) Will QoS or"
          + " Will Retain without the Will Flag closes the connection")
  void willBitsWithoutWillFlag(MqttVersion v) {
    for (int bits : new int[] {0x08, 0x20}) {
      byte[] connect = encode(connectPacket(v, "wbits", true), v);
      connect[FLAGS] |= (byte) bits;
      RawClient c = open(v);
      c.sendBytes(connect);
      List<Object> before = c.awaitClose(CLOSE);
      if (v == V5) {
        assertThat(before).hasSize(1);
        assertThat(((ConnAck) before.get(0)).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
      } else {
        assertThat(before).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.2-22] (3.1.1) the Password Flag without the User Name Flag closes")
  void passwordWithoutUserName() {
    byte[] connect = encode(connectPacket(V311, "pw", true), V311);
    connect[FLAGS] |= 0x40;
    // a password field after the client id
    connect = concat(connect, bytes(0, 2, 'p', 'w'));
    connect[1] += 4;
    RawClient c = open(V311);
    c.sendBytes(connect);
    assertThat(c.awaitClose(CLOSE)).isEmpty();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.2.2-1] [MQTT-3.2.2-2] [MQTT-3.2.2-3] (3.1.1) [MQTT-3.1.2-4] [MQTT-3.1.2-5]"
          + " [MQTT-3.1.2-6] [MQTT-3.2.2-2] [MQTT-3.2.2-3] (5.0) Session Present tells whether a"
          + " session was resumed")
  void sessionPresent(MqttVersion v) {
    RawClient first = open(v);
    ConnAck a = connAck(first, "sp", false, persistentProps(v), null);
    assertThat(a.reasonCode()).isZero();
    assertThat(a.sessionPresent()).as("no session existed").isFalse();
    disconnect(first);

    RawClient second = open(v);
    ConnAck b = connAck(second, "sp", false, persistentProps(v), null);
    assertThat(b.sessionPresent()).as("the stored session is resumed").isTrue();
    disconnect(second);

    RawClient third = open(v);
    ConnAck c = connAck(third, "sp", true, NO_PROPS, null);
    assertThat(c.sessionPresent()).as("clean start discards the session").isFalse();
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.3-8] (3.1.1) a zero-byte client id with CleanSession 0 gets CONNACK 0x02 and the"
          + " connection is closed")
  void emptyClientIdPersistentV311() {
    RawClient c = open(V311);
    c.send(connectPacket(V311, "", false));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    ConnAck ack = (ConnAck) before.get(0);
    assertThat(ack.reasonCode()).isEqualTo(ReasonCode.V3_IDENTIFIER_REJECTED);
    assertThat(ack.sessionPresent()).as("[MQTT-3.2.2-4]").isFalse();
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.3-6] (3.1.1) a zero-byte client id with CleanSession 1 is given a unique id and"
          + " works")
  void emptyClientIdCleanV311() {
    RawClient a = open(V311);
    assertThat(connAck(a, "", true, NO_PROPS, null).reasonCode()).isZero();
    RawClient b = open(V311);
    assertThat(connAck(b, "", true, NO_PROPS, null).reasonCode()).isZero();
    subscribeOk(a, "anon/t", 0);
    publish(b, "anon/t", "hi", 0, false);
    assertThat(text(expectPublish(a))).isEqualTo("hi");
    assertThat(a.isOpen()).as("two empty ids are two clients, not a takeover").isTrue();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.3-5] client ids of 1 to 23 alphanumerics are accepted, and longer UTF-8 ones too")
  void clientIdShapes(MqttVersion v) {
    for (String id : List.of("a", "0123456789abcdefghijKLM", "device/ü-" + "x".repeat(200))) {
      RawClient c = open(v);
      assertThat(connAck(c, id, true, NO_PROPS, null).reasonCode()).as(id).isZero();
      disconnect(c);
    }
  }

  @Test
  @DisplayName(
      "(MQTT 3.1 section 3.1) clients with protocol name MQIsdp, level 3, connect and exchange"
          + " messages")
  void mqtt31() {
    RawClient c = open(MqttVersion.V3_1);
    assertThat(connAck(c, "old-client", true, NO_PROPS, null).reasonCode()).isZero();
    subscribeOk(c, "v31/t", 1);
    publish(c, "v31/t", "legacy", 1, false);
    assertThat(text(receive(c))).isEqualTo("legacy");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.2.2-4] [MQTT-3.2.2-5] (3.1.1) [MQTT-3.2.2-6] [MQTT-3.2.2-7] (5.0) a refused CONNECT"
          + " gets Session Present 0 and the connection is closed")
  void refusedConnect(MqttVersion v) {
    startBroker(c -> c.withClients(false, true, 0));
    RawClient c = open(v);
    c.send(connectPacket(v, "nobody", false));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    ConnAck ack = (ConnAck) before.get(0);
    assertThat(ack.reasonCode())
        .isEqualTo(v == V5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_NOT_AUTHORIZED);
    assertThat(ack.sessionPresent()).isFalse();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.4-5] (3.1.1) [MQTT-3.1.4-6] (5.0) after a refused CONNECT nothing the client sent"
          + " is processed")
  void nothingProcessedAfterRefusal(MqttVersion v) {
    startBroker(c -> c.withClients(true, false, 0));
    RawClient watcher = connect(v, "watcher");
    subscribeOk(watcher, "after/refusal", 0);

    // an empty client id is refused here; the PUBLISH behind it in the same write must be ignored
    byte[] refused = encode(connectPacket(v, "", true), v);
    byte[] publish = encode(publishPacket("after/refusal", "sneaky", 0, true, 0), v);
    RawClient c = open(v);
    c.sendBytes(concat(refused, publish));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    assertThat(((ConnAck) before.get(0)).reasonCode()).isNotZero();

    expectNothingBeforeMarker(watcher, "after/refusal");
    RawClient late = connect(v, "late");
    subscribeOk(late, "after/refusal", 0);
    expectNothingBeforeMarker(late, "after/refusal"); // nothing was retained either
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.2.0-1] CONNACK is the first packet from the server, even when the client sends"
          + " more before it")
  void connAckFirst(MqttVersion v) {
    RawClient c = open(v);
    byte[] connect = encode(connectPacket(v, "eager", true), v);
    byte[] subscribe =
        encode(new Subscribe(7, List.of(new Subscription("eager/t", 1)), NO_PROPS), v);
    byte[] publish = encode(publishPacket("eager/t", "early", 1, false, 8), v);
    byte[] ping = encode(PingReq.INSTANCE, v);
    c.sendBytes(concat(connect, subscribe, publish, ping));
    assertThat(c.expect(ConnAck.class).reasonCode()).isZero();
    assertThat(c.expect(SubAck.class).packetId()).isEqualTo(7);
    // the PUBACK and the delivery to itself may come in either order
    List<Object> rest = List.of(c.poll(CLOSE), c.poll(CLOSE), c.poll(CLOSE));
    assertThat(rest)
        .hasAtLeastOneElementOfType(PubAck.class)
        .hasAtLeastOneElementOfType(Publish.class)
        .hasAtLeastOneElementOfType(PingResp.class);
  }

  @Test
  @DisplayName(
      "(3.1 non-normative) a connection that sends no CONNECT within the connect timeout is"
          + " closed")
  void connectTimeout() {
    startBroker(c -> c.withKeepAlive(65535, Duration.ofMillis(400)));
    RawClient c = open(V311);
    assertThat(c.awaitClose(CLOSE)).isEmpty();
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-12] (5.0) a Will QoS above the server's Maximum QoS is refused with CONNACK"
          + " 0x9B")
  void willQosAboveMaximum() {
    startBroker(c -> c.withMaxQos(1));
    RawClient c = open(V5);
    Will will = new Will("w/q", utf8("x"), 2, false, NO_PROPS);
    ConnAck ack = connAck(c, "wq", true, NO_PROPS, will);
    assertThat(ack.reasonCode()).isEqualTo(ReasonCode.QOS_NOT_SUPPORTED);
    c.awaitClose(CLOSE);
  }

  @Test
  @DisplayName(
      "[MQTT-3.2.2-13] (5.0) a retained Will when retain is not available is refused with CONNACK"
          + " 0x9A")
  void willRetainNotAvailable() {
    startBroker(c -> c.withFeatures(false, true, true, true));
    RawClient c = open(V5);
    Will will = new Will("w/r", utf8("x"), 0, true, NO_PROPS);
    ConnAck ack = connAck(c, "wr", true, NO_PROPS, will);
    assertThat(ack.reasonCode()).isEqualTo(ReasonCode.RETAIN_NOT_SUPPORTED);
    c.awaitClose(CLOSE);
  }

  @BothVersions
  @DisplayName(
      "[MQTT-4.7.1-1] [MQTT-3.1.4-1] (3.1.1) a Will Topic with a wildcard closes the connection"
          + " without a CONNACK; (5.0) it is refused with CONNACK 0x90")
  void willTopicWithWildcard(MqttVersion v) {
    RawClient c = open(v);
    Will will = new Will("w/#", utf8("x"), 0, false, NO_PROPS);
    c.send(new Connect(v, "wt", true, 60, null, null, will, NO_PROPS));
    List<Object> before = c.awaitClose(CLOSE);
    if (v == V5) {
      assertThat(before).hasSize(1);
      assertThat(((ConnAck) before.get(0)).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    } else {
      assertThat(before).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "[MQTT-4.12.0-1] (5.0) an Authentication Method the server does not support gets CONNACK"
          + " 0x8C and the connection is closed")
  void unsupportedAuthenticationMethod() {
    RawClient c = open(V5);
    MqttProperties props = MqttProperties.builder().authenticationMethod("SCRAM-SHA-1").build();
    c.send(new Connect(V5, "auth", true, 60, null, null, null, props));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    assertThat(((ConnAck) before.get(0)).reasonCode())
        .isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
  }

  /** Accepts everyone, after {@code millis}: the CONNECT waits in AUTHENTICATING meanwhile. */
  private static Authenticator slowAuthenticator(long millis) {
    return (identity, password) ->
        CompletableFuture.supplyAsync(
            () -> AuthResult.accept(Principal.of(identity.username())),
            CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.2.0-1] packets a client sends while its CONNECT is still being authenticated are"
          + " handled, in order, after the CONNACK")
  void packetsDuringAuthentication(MqttVersion v) {
    startBroker(slowAuthenticator(300));
    RawClient c = open(v);
    byte[] connect = encode(connectPacket(v, "patient", true), v);
    byte[] subscribe =
        encode(new Subscribe(3, List.of(new Subscription("auth/t", 0)), NO_PROPS), v);
    byte[] publish = encode(publishPacket("auth/t", "after connack", 0, false, 0), v);
    c.sendBytes(connect);
    c.sendBytes(subscribe);
    c.sendBytes(publish);
    assertThat(c.expect(ConnAck.class).reasonCode()).isZero();
    assertThat(c.expect(SubAck.class).packetId()).isEqualTo(3);
    assertThat(text(expectPublish(c))).isEqualTo("after connack");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.14.0-1] (5.0) [MQTT-4.8.0-1] (3.1.1) a malformed packet before the CONNACK closes"
          + " the connection without a DISCONNECT, and without a session or a Will left behind")
  void malformedDuringAuthentication(MqttVersion v) {
    startBroker(slowAuthenticator(300));
    RawClient watcher = open(v);
    // the watcher too waits for the slow authenticator
    assertThat(connAck(watcher, "watcher", true, NO_PROPS, null).reasonCode()).isZero();
    subscribeOk(watcher, "auth/will", 0);
    RawClient c = open(v);
    Will will = new Will("auth/will", utf8("never accepted"), 0, false, NO_PROPS);
    c.sendBytes(
        concat(
            encode(new Connect(v, "broken", true, 60, null, null, will, NO_PROPS), v),
            bytes(0x36, 0))); // PUBLISH with QoS 3
    assertThat(c.awaitClose(CLOSE)).as("no CONNACK, no DISCONNECT").isEmpty();
    expectNothingBeforeMarker(watcher, "auth/will", Duration.ofMillis(500));
    assertThat(broker().broker().sessions().get("broken")).isNull();
  }

  @BothVersions
  @DisplayName(
      "(3.1.4) a connection that closes while its CONNECT is being authenticated leaves no"
          + " session, and its Will (never accepted [MQTT-3.1.2-8]) is not published")
  void closedDuringAuthentication(MqttVersion v) {
    startBroker(slowAuthenticator(300));
    RawClient watcher = open(v);
    assertThat(connAck(watcher, "watcher", true, NO_PROPS, null).reasonCode()).isZero();
    subscribeOk(watcher, "auth/will", 0);
    RawClient c = open(v);
    Will will = new Will("auth/will", utf8("never accepted"), 0, false, NO_PROPS);
    c.send(new Connect(v, "gone", true, 60, null, null, will, NO_PROPS));
    c.drop();
    expectNothingBeforeMarker(watcher, "auth/will", Duration.ofMillis(500));
    assertThat(broker().broker().sessions().get("gone")).isNull();
  }

  @Test
  @DisplayName(
      "(3.1 non-normative) an authentication that does not finish within the connect timeout"
          + " closes the connection, without a CONNACK")
  void authenticationTimeout() {
    startBroker(
        c -> c.withKeepAlive(65535, Duration.ofMillis(400)),
        (identity, password) -> new CompletableFuture<>()); // never answers
    RawClient c = open(V5);
    c.send(connectPacket(V5, "waiting", true));
    assertThat(c.awaitClose(CLOSE)).isEmpty();
    assertThat(broker().broker().sessions().get("waiting")).isNull();
  }
}
