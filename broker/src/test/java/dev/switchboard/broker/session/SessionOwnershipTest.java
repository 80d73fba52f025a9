package dev.switchboard.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session ownership seam: every CONNECT that passed authentication asks the owner of its client
 * id, which may hand it to this node's registry or refuse it (a cluster whose owner of the id
 * cannot be reached).
 */
class SessionOwnershipTest {
  private final List<RawClient> clients = new ArrayList<>();
  private Broker broker;

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  @ParameterizedTest(name = "MQTT {0}")
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "an owner in front of the registry sees every claim; the ids it keeps are refused with"
          + " 'identifier rejected', the others connect and take over as usual [MQTT-3.1.4-3]")
  void ownerDecides(MqttVersion v) {
    List<String> claims = new CopyOnWriteArrayList<>();
    broker = new Broker(TestBroker.config());
    broker.sessionOwnership(
        local ->
            (conn, hub, clientId, cleanStart) -> {
              claims.add(clientId + (cleanStart ? " clean" : " resume"));
              if (clientId.startsWith("elsewhere-")) {
                conn.identifierRejected(); // owned by a node that will not let go
              } else {
                local.connect(conn, hub, clientId, cleanStart);
              }
            });
    broker.start();

    RawClient first = RawClient.open(broker.mqttPort(), v);
    clients.add(first);
    assertThat(first.connect("device-1", true, 60, MqttProperties.EMPTY, null).reasonCode())
        .isZero();
    RawClient refused = RawClient.open(broker.mqttPort(), v);
    clients.add(refused);
    ConnAck no = refused.connect("elsewhere-1", true, 60, MqttProperties.EMPTY, null);
    assertThat(no.reasonCode())
        .isEqualTo(v == MqttVersion.V5 ? ReasonCode.CLIENT_IDENTIFIER_NOT_VALID : 2);
    RawClient second = RawClient.open(broker.mqttPort(), v);
    clients.add(second);
    ConnAck took = second.connect("device-1", false, 60, MqttProperties.EMPTY, null);
    assertThat(took.reasonCode()).isZero();
    first.awaitClose(java.time.Duration.ofSeconds(5)); // taken over

    assertThat(claims).containsExactly("device-1 clean", "elsewhere-1 clean", "device-1 resume");
    assertThat(broker.sessions().get("device-1")).isNotNull();
    assertThat(broker.sessions().get("elsewhere-1")).isNull();
  }

  @Test
  @DisplayName("the owner is set before the broker starts, not while it runs")
  void setBeforeStart() {
    broker = new Broker(TestBroker.config());
    broker.start();
    assertThatThrownBy(() -> broker.sessionOwnership(local -> local))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before the broker starts");
  }
}
