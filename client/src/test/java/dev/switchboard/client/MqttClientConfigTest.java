package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The configuration: ESP-MQTT's defaults, URIs, and the conflicts refused at init. */
@DisplayName("MqttClientConfig and init")
class MqttClientConfigTest {

  private static MqttClientConfig.Builder uri(String uri) {
    return MqttClientConfig.builder().broker(b -> b.uri(uri));
  }

  @Test
  @DisplayName("Defaults are ESP-MQTT's")
  void defaults() {
    MqttClientConfig c = MqttClientConfig.builder().build();
    assertThat(c.session().keepalive()).isEqualTo(120);
    assertThat(c.session().protocolVer()).isEqualTo(MqttProtocolVersion.V_3_1_1);
    assertThat(c.session().disableCleanSession()).isFalse();
    assertThat(c.network().reconnectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.network().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.network().refreshConnectionAfter()).isZero();
    assertThat(c.buffer().size()).isEqualTo(1024);
    assertThat(c.buffer().outSize()).isEqualTo(1024);
    assertThat(c.outbox().expiry()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.outbox().limit()).isZero();
    assertThat(c.extensions().backoff()).isNull();
    assertThat(c.extensions().resubscribe()).isFalse();
    assertThat(c.extensions().reassembleData()).isFalse();
    assertThat(c.extensions().outboxFile()).isNull();
    assertThat(
            MqttClientConfig.builder().session(s -> s.keepalive(0)).build().session().keepalive())
        .as("0 means the default, as in ESP-MQTT")
        .isEqualTo(120);
  }

  @Test
  @DisplayName("URIs: schemes, default ports, credentials, paths, IPv6")
  void uris() {
    assertThat(BrokerEndpoint.parse("mqtt://broker.local"))
        .isEqualTo(
            new BrokerEndpoint(MqttTransport.TCP, "broker.local", 1883, "/mqtt", null, null));
    assertThat(BrokerEndpoint.parse("mqtts://h:8884").port()).isEqualTo(8884);
    assertThat(BrokerEndpoint.parse("mqtts://h").port()).isEqualTo(8883);
    assertThat(BrokerEndpoint.parse("ws://h").port()).isEqualTo(80);
    assertThat(BrokerEndpoint.parse("wss://h/ws").path()).isEqualTo("/ws");
    assertThat(BrokerEndpoint.parse("WSS://h").transport()).isEqualTo(MqttTransport.WSS);
    BrokerEndpoint e = BrokerEndpoint.parse("mqtt://device_x:p%40ss:w@node02.example:1883");
    assertThat(e.username()).isEqualTo("device_x");
    assertThat(e.password()).isEqualTo("p@ss:w");
    assertThat(BrokerEndpoint.parse("mqtt://[::1]:1884").host()).isEqualTo("::1");
  }

  @Test
  @DisplayName("Host, port, transport and path instead of a URI")
  void hostAndPort() {
    BrokerEndpoint e =
        BrokerEndpoint.of(
            MqttClientConfig.builder()
                .broker(b -> b.hostname("10.0.0.5").transport(MqttTransport.WS).path("ws"))
                .build()
                .broker()
                .address());
    assertThat(e)
        .isEqualTo(new BrokerEndpoint(MqttTransport.WS, "10.0.0.5", 80, "/ws", null, null));
  }

  @Test
  @DisplayName("Bad URIs are refused with one line naming the problem")
  void badUris() {
    assertThatThrownBy(() -> MqttClient.init(uri("http://h").build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("scheme 'http'");
    assertThatThrownBy(() -> MqttClient.init(uri("broker:1883").build()))
        .isInstanceOf(MqttConfigException.class);
    assertThatThrownBy(() -> MqttClient.init(uri("mqtt://").build()))
        .isInstanceOf(MqttConfigException.class);
    assertThatThrownBy(() -> MqttClient.init(uri("mqtt://h h").build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("not a URI");
  }

  @Test
  @DisplayName("ESP-MQTT's conflicts are refused at init")
  void conflicts() {
    assertThatThrownBy(
            () ->
                MqttClient.init(
                    uri("mqtt://h").broker(b -> b.transport(MqttTransport.SSL)).build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("both a uri and a transport");
    assertThatThrownBy(
            () ->
                MqttClient.init(
                    uri("mqtt://h")
                        .broker(b -> b.verification(v -> v.skipCertCommonNameCheck(true)))
                        .build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("TLS options");
    assertThatThrownBy(
            () ->
                MqttClient.init(
                    uri("mqtts://h")
                        .credentials(c -> c.authentication(a -> a.certificate("x")))
                        .build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("needs its key");
    assertThatThrownBy(
            () ->
                MqttClient.init(
                    uri("mqtt://h")
                        .session(
                            s ->
                                s.connectProperty(
                                    Mqtt5ConnectProperty.builder()
                                        .sessionExpiryInterval(60)
                                        .build()))
                        .build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("MQTT 5");
    assertThatThrownBy(
            () ->
                MqttClient.init(
                    uri("mqtts://h")
                        .broker(b -> b.verification(v -> v.certificate("not a certificate")))
                        .build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("certificate");
    assertThatThrownBy(
            () ->
                MqttClient.init(
                    uri("mqtt://h").session(s -> s.lastWill("a/+", "x", 0, false)).build()))
        .isInstanceOf(MqttConfigException.class)
        .hasMessageContaining("last_will");
  }

  @Test
  @DisplayName("Values out of range are refused by build()")
  void ranges() {
    assertThatThrownBy(() -> MqttClientConfig.builder().session(s -> s.keepalive(70000)).build())
        .hasMessageContaining("keepalive");
    assertThatThrownBy(
            () -> MqttClientConfig.builder().session(s -> s.lastWill("w", "x", 3, false)).build())
        .hasMessageContaining("qos");
    assertThatThrownBy(() -> MqttClientConfig.builder().broker(b -> b.port(70000)).build())
        .hasMessageContaining("port");
    assertThatThrownBy(() -> MqttClientConfig.builder().outbox(o -> o.limit(-1)).build())
        .hasMessageContaining("outbox.limit");
    assertThatThrownBy(
            () -> MqttClientConfig.builder().network(n -> n.timeout(Duration.ZERO)).build())
        .hasMessageContaining("network.timeout");
    assertThatThrownBy(() -> MqttClientConfig.builder().deviceMac(new byte[3]))
        .hasMessageContaining("6 bytes");
  }

  @Test
  @DisplayName("No address: init works (set it later), start() says what is missing")
  void noAddress() {
    try (MqttClient c = MqttClient.init(MqttClientConfig.builder().build())) {
      assertThatThrownBy(c::start).hasMessageContaining("no broker address");
      c.setUri("mqtt://127.0.0.1:1");
      assertThatThrownBy(() -> c.setUri("ftp://x")).isInstanceOf(MqttConfigException.class);
    }
  }

  @Test
  @DisplayName("Invalid topics and QoS give -1, not an exception")
  void badArguments() {
    try (MqttClient c = MqttClient.init(uri("mqtt://127.0.0.1:1").build())) {
      assertThat(c.publish("a/#", "x", 1, false)).isEqualTo(-1);
      assertThat(c.publish("", "x", 1, false)).isEqualTo(-1);
      assertThat(c.publish("a", "x", 3, false)).isEqualTo(-1);
      assertThat(c.publish(null, "x", 1, false)).isEqualTo(-1);
      assertThat(c.getOutboxSize()).isZero();
    }
  }
}
