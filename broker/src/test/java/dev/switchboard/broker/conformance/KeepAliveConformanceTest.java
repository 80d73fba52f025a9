package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.Will;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("3.1.2.10 Keep Alive and 3.12 PINGREQ")
class KeepAliveConformanceTest extends ConformanceBase {

  private RawClient connectWithKeepAlive(MqttVersion v, String id, int keepAlive, Will will) {
    RawClient c = open(v);
    c.send(new Connect(v, id, true, keepAlive, null, null, will, NO_PROPS));
    assertThat(c.expect(ConnAck.class).reasonCode()).isZero();
    return c;
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-24] (3.1.1) [MQTT-3.1.2-22] (5.0) no packet for one and a half times the Keep"
          + " Alive closes the connection (5.0: DISCONNECT 0x8D), and the Will is published")
  void keepAliveExpires(MqttVersion v) {
    RawClient watcher = connect(v, "watcher");
    subscribeOk(watcher, "ka/will", 0);
    RawClient c =
        connectWithKeepAlive(
            v, "silent", 1, new Will("ka/will", utf8("timed out"), 0, false, NO_PROPS));
    long start = System.nanoTime();
    expectClosedWith(c, v, ReasonCode.KEEP_ALIVE_TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(1300), Duration.ofMillis(3000));
    assertThat(text(expectPublish(watcher))).isEqualTo("timed out");
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.12.4-1] PINGREQ is answered with PINGRESP, and keeps the connection alive past the"
          + " Keep Alive")
  void pingKeepsAlive(MqttVersion v) throws InterruptedException {
    RawClient c = connectWithKeepAlive(v, "pinger", 1, null);
    for (int i = 0; i < 4; i++) {
      Thread.sleep(400); // 1.6 s in all, past the 1.5 s a silent client gets
      c.send(PingReq.INSTANCE);
      c.expect(PingResp.class);
    }
    assertThat(c.isOpen()).isTrue();
  }

  @BothVersions
  @DisplayName(
      "[MQTT-3.1.2-24] (3.1.1) [MQTT-3.1.2-22] (5.0) any control packet, not only PINGREQ, resets"
          + " the Keep Alive timer")
  void anyPacketKeepsAlive(MqttVersion v) throws InterruptedException {
    RawClient c = connectWithKeepAlive(v, "talker", 1, null);
    for (int i = 0; i < 4; i++) {
      Thread.sleep(400);
      c.send(publishPacket("ka/talk", "still here", 0, false, 0));
    }
    assertThat(c.isOpen()).isTrue();
    c.send(PingReq.INSTANCE);
    c.expect(PingResp.class);
  }

  @Test
  @DisplayName(
      "[MQTT-3.1.2-22] (5.0) among many connections each keeps its own clock: every silent one is"
          + " closed, every talking one kept (one sweep per loop checks them all)")
  void manyConnectionsEachOnItsOwnClock() throws InterruptedException {
    List<RawClient> silent = new ArrayList<>();
    List<RawClient> talking = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // interleaved: closing a silent one moves a talking one
      silent.add(connectWithKeepAlive(V5, "quiet" + i, 1, null));
      talking.add(connectWithKeepAlive(V5, "chatty" + i, 1, null));
    }
    for (int round = 0; round < 5; round++) {
      Thread.sleep(400); // 2 s in all, past the 1.5 s a silent client gets
      for (RawClient c : talking) {
        c.send(PingReq.INSTANCE);
        c.expect(PingResp.class);
      }
    }
    for (RawClient c : silent) {
      expectClosedWith(c, V5, ReasonCode.KEEP_ALIVE_TIMEOUT);
    }
    for (RawClient c : talking) {
      assertThat(c.isOpen()).isTrue();
      c.send(PingReq.INSTANCE);
      c.expect(PingResp.class);
    }
  }

  @BothVersions
  @DisplayName("(3.1.2.10) a Keep Alive of 0 turns the mechanism off")
  void zeroKeepAlive(MqttVersion v) {
    RawClient c = connectWithKeepAlive(v, "forever", 0, null);
    c.expectNothing(Duration.ofMillis(1600));
    c.send(PingReq.INSTANCE);
    c.expect(PingResp.class);
  }

  @Test
  @DisplayName(
      "(3.1.1 3.1.2.10, README limits.max-keep-alive) a 3.1.1 client asking for a Keep Alive above"
          + " the maximum is refused with CONNACK 0x02")
  void v311AboveMaximum() {
    startBroker(c -> c.withKeepAlive(30, Duration.ofSeconds(10)));
    RawClient c = open(V311);
    c.send(new Connect(V311, "long", true, 60, null, null, null, NO_PROPS));
    List<Object> before = c.awaitClose(CLOSE);
    assertThat(before).hasSize(1);
    assertThat(((ConnAck) before.get(0)).reasonCode()).isEqualTo(ReasonCode.V3_IDENTIFIER_REJECTED);
    RawClient ok = open(V311);
    ok.send(new Connect(V311, "short", true, 30, null, null, null, NO_PROPS));
    assertThat(ok.expect(ConnAck.class).reasonCode()).isZero();
  }

  @Test
  @DisplayName(
      "[MQTT-3.2.2-21] [MQTT-3.1.2-22] (5.0) a Keep Alive above the maximum is replaced by Server"
          + " Keep Alive in CONNACK, and the server holds the client to it")
  void serverKeepAlive() {
    startBroker(c -> c.withKeepAlive(1, Duration.ofSeconds(10)));
    for (int asked : new int[] {0, 60}) {
      RawClient c = open(V5);
      c.send(new Connect(V5, "ska" + asked, true, asked, null, null, null, NO_PROPS));
      ConnAck ack = c.expect(ConnAck.class);
      assertThat(ack.reasonCode()).isZero();
      assertThat(ack.properties().serverKeepAlive()).as("asked for %d", asked).isEqualTo(1);
      expectClosedWith(c, V5, ReasonCode.KEEP_ALIVE_TIMEOUT);
    }
  }

  @Test
  @DisplayName(
      "[MQTT-3.2.2-22] (5.0) without Server Keep Alive the client's own Keep Alive is used")
  void clientKeepAliveKept() {
    RawClient c = open(V5);
    c.send(new Connect(V5, "own", true, 30, null, null, null, NO_PROPS));
    ConnAck ack = c.expect(ConnAck.class);
    assertThat(ack.properties().serverKeepAlive()).isNull();
    RawClient pub = connect(V5, "pub");
    subscribeOk(c, "own/t", 0);
    publish(pub, "own/t", "alive", 0, false);
    Publish p = expectPublish(c);
    assertThat(text(p)).isEqualTo("alive");
  }
}
