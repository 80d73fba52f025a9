package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("4.7.2 $SYS topics")
class SysTopicsConformanceTest extends ConformanceBase {

  private void startWithSys() {
    startBroker(c -> c.withSysInterval(Duration.ofMillis(200)));
  }

  /** Reads what arrives on {@code c} into {@code latest} until {@code done} holds. */
  private static void collectUntil(
      RawClient c,
      Map<String, String> latest,
      java.util.function.Predicate<Map<String, String>> done) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              Object o;
              while ((o = c.poll(Duration.ofMillis(20))) != null) {
                Publish p = (Publish) o;
                latest.put(p.topic(), text(p));
              }
              return done.test(latest);
            });
  }

  @BothVersions
  @DisplayName(
      "$SYS/broker/... topics describe the broker, are retained for new subscribers and are"
          + " refreshed periodically")
  void sysTopicsPublished(MqttVersion v) {
    startWithSys();
    RawClient c = connect(v, "sys-reader");
    subscribeOk(c, "$SYS/broker/#", 0);
    Publish first = expectPublish(c);
    assertThat(first.retain()).as("retained, so a new subscriber sees them at once").isTrue();
    Map<String, String> latest = new HashMap<>();
    latest.put(first.topic(), text(first));
    collectUntil(
        c,
        latest,
        m ->
            m.keySet()
                .containsAll(
                    java.util.List.of(
                        "$SYS/broker/version",
                        "$SYS/broker/uptime",
                        "$SYS/broker/clients/connected",
                        "$SYS/broker/clients/total",
                        "$SYS/broker/messages/received",
                        "$SYS/broker/messages/sent",
                        "$SYS/broker/bytes/received",
                        "$SYS/broker/subscriptions/count",
                        "$SYS/broker/retained messages/count")));
    assertThat(latest.get("$SYS/broker/version")).startsWith("switchboard version ");
    assertThat(latest.get("$SYS/broker/uptime")).endsWith(" seconds");
  }

  @Test
  @DisplayName(
      "figures plugged in beside the engine (SysFigures) are published under $SYS/broker/ with"
          + " the broker's own, until they are removed")
  void pluggedInFigures() {
    startWithSys();
    java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong(41);
    dev.switchboard.broker.metrics.SysFigures figures =
        f -> f.accept("extra/figure", value.incrementAndGet());
    broker().broker().addSysFigures(figures);
    RawClient c = connect(V5, "sys-reader");
    subscribeOk(c, "$SYS/broker/extra/#", 0);
    Map<String, String> latest = new HashMap<>();
    collectUntil(
        c,
        latest,
        m ->
            m.containsKey("$SYS/broker/extra/figure")
                && Long.parseLong(m.get("$SYS/broker/extra/figure")) > 42);
    broker().broker().removeSysFigures(figures);
    RawClient later = connect(V5, "later");
    subscribeOk(later, "$SYS/broker/uptime", 0);
    expectPublish(later); // the retained one
    expectPublish(later); // a round that began after the removal, or the one under way
    long last = value.get();
    expectPublish(later);
    expectPublish(later); // two more rounds of the broker's own figures
    assertThat(value.get()).as("not asked again once removed").isEqualTo(last);
  }

  @BothVersions
  @DisplayName("$SYS/broker/clients/connected follows the clients that connect")
  void connectedCount(MqttVersion v) {
    startWithSys();
    RawClient c = connect(v, "sys-reader");
    subscribeOk(c, "$SYS/broker/clients/connected", 0);
    for (int i = 0; i < 3; i++) {
      connect(v, "extra" + i);
    }
    Map<String, String> latest = new HashMap<>();
    collectUntil(c, latest, m -> "4".equals(m.get("$SYS/broker/clients/connected")));
  }

  @BothVersions
  @DisplayName("[MQTT-4.7.2-1] '#' and '+/...' subscriptions do not receive $SYS topics")
  void wildcardsSkipSys(MqttVersion v) {
    startWithSys();
    RawClient c = connect(v, "all");
    subscribeOk(c, "#", 0);
    subscribeOk(c, "+/broker/#", 0);
    subscribeOk(c, "+/broker/uptime", 0);
    expectNothingBeforeMarker(c, "not/sys", Duration.ofMillis(600)); // three $SYS rounds
  }

  @BothVersions
  @DisplayName(
      "a client cannot forge $SYS: its PUBLISH there is refused (5.0: 0x87; 3.1.1: acknowledged,"
          + " not routed) and subscribers keep the broker's own figures")
  void clientsCannotPublishSys(MqttVersion v) {
    startWithSys();
    RawClient forger = connect(v, "forger");
    forger.send(publishPacket("$SYS/broker/version", "forged", 1, true, 7));
    PubAck ack = forger.expect(PubAck.class);
    assertThat(ack.reasonCode())
        .isEqualTo(v == MqttVersion.V5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.SUCCESS);
    forger.send(publishPacket("$SYS", "forged too", 0, false, 0));
    RawClient reader = connect(v, "reader");
    subscribeOk(reader, "$SYS/broker/version", 0);
    Map<String, String> latest = new HashMap<>();
    collectUntil(reader, latest, m -> m.containsKey("$SYS/broker/version"));
    assertThat(latest.get("$SYS/broker/version")).startsWith("switchboard version");
    assertThat(broker().broker().metrics().publishDenied.sum()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "an authorizer that explicitly allows a client to publish under $SYS lets it; a PUBLISH to"
          + " a $share/ name is refused with 0x90")
  void explicitlyAllowedSysAndShareNames() {
    Authorizer bridge =
        new Authorizer() {
          @Override
          public boolean canPublish(ClientIdentity client, String topic) {
            return true;
          }

          @Override
          public boolean canSubscribe(ClientIdentity client, String filter) {
            return true;
          }

          @Override
          public boolean canPublishSystemTopic(ClientIdentity client, String topic) {
            return "bridge".equals(client.clientId()) && topic.startsWith("$SYS/bridge/");
          }
        };
    startBroker(c -> c, new AnonymousAuthenticator(true), bridge);
    RawClient reader = connect(MqttVersion.V5, "reader");
    subscribeOk(reader, "$SYS/bridge/#", 0);
    RawClient b = connect(MqttVersion.V5, "bridge");
    b.send(publishPacket("$SYS/bridge/status", "up", 1, false, 1));
    assertThat(b.expect(PubAck.class).reasonCode()).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
    b.send(publishPacket("$share/g/topic", "not a topic", 1, false, 2));
    PubAck refused = b.expect(PubAck.class);
    assertThat(refused.reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    assertThat(refused.properties().reasonString()).contains("$share/");
    assertThat(text(expectPublish(reader))).isEqualTo("up");
  }
}
