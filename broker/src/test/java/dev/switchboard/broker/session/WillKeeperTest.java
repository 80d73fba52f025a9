package dev.switchboard.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The will keeper seam: told of every will that would die with the node (a session that ends with
 * its connection), and told when that connection is done with it; never of a persistent session's
 * will, which the store keeps.
 */
@DisplayName("WillKeeper: the wills a node's death would lose")
class WillKeeperTest {
  private final List<String> told = new CopyOnWriteArrayList<>();
  private Broker broker;

  @BeforeEach
  void start() {
    broker = new Broker(TestBroker.config());
    broker.willKeeper(
        new WillKeeper() {
          @Override
          public void holds(String hub, String clientId, PendingWill will) {
            told.add(
                "holds "
                    + hub
                    + "/"
                    + clientId
                    + " "
                    + will.message().topic()
                    + "="
                    + new String(will.message().payload(), StandardCharsets.UTF_8));
          }

          @Override
          public void released(String hub, String clientId) {
            told.add("released " + hub + "/" + clientId);
          }
        });
    broker.start();
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private RawClient connect(MqttVersion v, String id, boolean clean, long expiry, Will will) {
    RawClient c = RawClient.open(broker.mqttPort(), v);
    MqttProperties props =
        v == MqttVersion.V5 && expiry > 0
            ? MqttProperties.builder().sessionExpiryInterval(expiry).build()
            : MqttProperties.EMPTY;
    c.send(new Connect(v, id, clean, 60, null, null, will, props));
    assertThat(c.expect(ConnAck.class).reasonCode()).isZero();
    return c;
  }

  private static Will will(String payload) {
    return new Will(
        "status/x", payload.getBytes(StandardCharsets.UTF_8), 1, true, MqttProperties.EMPTY);
  }

  @Test
  @DisplayName(
      "a clean session's will: held while connected, released after a normal DISCONNECT and"
          + " after a dropped connection")
  void cleanSessions() {
    RawClient a = connect(MqttVersion.V3_1_1, "a", true, 0, will("a-gone"));
    RawClient b = connect(MqttVersion.V5, "b", true, 0, will("b-gone"));
    await().until(() -> told.size() == 2);
    assertThat(told)
        .containsExactlyInAnyOrder(
            "holds default/a status/x=a-gone", "holds default/b status/x=b-gone");
    a.send(new Disconnect(0, MqttProperties.EMPTY));
    b.drop();
    await().until(() -> told.size() == 4);
    assertThat(told.subList(2, 4))
        .containsExactlyInAnyOrder("released default/a", "released default/b");
  }

  @Test
  @DisplayName(
      "a persistent session's will and a connection without one are not told; a takeover releases"
          + " the old connection's and the new one holds its own")
  void persistentAndTakeover() {
    connect(MqttVersion.V5, "p", true, 3600, will("p-gone"));
    connect(MqttVersion.V3_1_1, "p311", false, 0, will("p311-gone"));
    connect(MqttVersion.V5, "none", true, 0, null);
    RawClient first = connect(MqttVersion.V3_1_1, "t", true, 0, will("t1"));
    await().until(() -> told.size() == 1);
    RawClient second = connect(MqttVersion.V3_1_1, "t", true, 0, will("t2"));
    first.awaitClose(Duration.ofSeconds(5));
    await().until(() -> told.size() == 3);
    assertThat(told)
        .containsExactly(
            "holds default/t status/x=t1", "released default/t", "holds default/t status/x=t2");
    second.drop();
    await().until(() -> told.size() == 4);
    assertThat(told.get(3)).isEqualTo("released default/t");
  }
}
