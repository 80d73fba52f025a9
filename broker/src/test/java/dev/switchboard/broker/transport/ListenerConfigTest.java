package dev.switchboard.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.transport.ListenerConfig.ClientAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener model in BrokerConfig: defaults, the with-methods, and what validate() refuses. */
@DisplayName("Transport: listener configuration")
class ListenerConfigTest {
  @TempDir Path dir;

  @Test
  @DisplayName("defaults: one plain listener, mqtt on 1883; withPort and PORT_OFF set it")
  void defaults() {
    BrokerConfig c = BrokerConfig.defaults();
    assertThat(c.listeners()).containsExactly(ListenerConfig.tcp("mqtt", 1883));
    assertThat(c.mqttPort()).isEqualTo(1883);
    assertThat(c.withPort(0).mqttPort()).isZero();
    BrokerConfig off = c.withPort(BrokerConfig.PORT_OFF);
    assertThat(off.mqttPort()).isEqualTo(BrokerConfig.PORT_OFF);
    assertThat(off.listener("mqtt").orElseThrow().enabled()).isFalse();
    assertThat(c.withListeners(List.of()).mqttPort()).isEqualTo(BrokerConfig.PORT_OFF);
  }

  @Test
  @DisplayName("withListener replaces a listener of the same name in place, or adds one")
  void withListener() {
    BrokerConfig c =
        BrokerConfig.defaults()
            .withListener(ListenerConfig.ws("ws", 8083))
            .withListener(ListenerConfig.tcp("mqtt", 1884).withProxyProtocol(true));
    assertThat(c.listeners())
        .extracting(ListenerConfig::name, ListenerConfig::port)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mqtt", 1884),
            org.assertj.core.groups.Tuple.tuple("ws", 8083));
    assertThat(c.listener("mqtt").orElseThrow().proxyProtocol()).isTrue();
    assertThat(c.listener("ws").orElseThrow().wsPath()).isEqualTo("/mqtt");
    assertThat(c.withPort(0).listener("mqtt").orElseThrow().proxyProtocol())
        .as("withPort keeps the rest of the listener")
        .isTrue();
  }

  @Test
  @DisplayName("validate() names the setting of a bad value")
  void validation() {
    BrokerConfig base = TestBroker.config();
    record Case(BrokerConfig config, String says) {}
    List<Case> cases =
        List.of(
            new Case(base.withPort(70000), "listeners.mqtt.port"),
            new Case(
                base.withListener(ListenerConfig.ws("ws", 0).withWsPath("mqtt")),
                "listeners.ws.path"),
            new Case(
                base.withListener(
                    ListenerConfig.tcp("mqtt2", 0).withClientAuth(ClientAuth.REQUIRE)),
                "listeners.mqtt2.client-auth"),
            new Case(
                base.withListeners(List.of(ListenerConfig.tcp("a", 0), ListenerConfig.ws("a", 0))),
                "listeners.a is defined twice"),
            new Case(
                base.withListener(ListenerConfig.tls("mqtts", 0)), "tls.certificate is not set"),
            new Case(
                base.withListener(ListenerConfig.tls("mqtts", 0).withClientAuth(ClientAuth.REQUIRE))
                    .withTls(TlsConfig.selfSigned(dir)),
                "listeners.mqtts.client-auth is require, but tls.client-ca is not set"),
            new Case(
                base.withListener(ListenerConfig.tls("mqtts", 0))
                    .withTls(
                        new TlsConfig(dir.resolve("c"), null, null, null, null, null, null, null)),
                "tls.key is not set"),
            new Case(
                base.withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.selfSigned(dir).withHandshakeTimeout(Duration.ZERO)),
                "tls.handshake-timeout"));
    for (Case k : cases) {
      assertThatThrownBy(k.config()::validate)
          .as(k.says())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(k.says());
    }
    // a listener that is off needs nothing
    base.withListener(ListenerConfig.tls("mqtts", BrokerConfig.PORT_OFF)).validate();
  }

  @Test
  @DisplayName("OpenSSL asked for by name where it cannot load is refused; auto falls back")
  void providers() {
    TlsConfig tls = TlsConfig.selfSigned(dir);
    ServerTls.check(tls.withProvider(TlsConfig.Provider.JDK));
    ServerTls.check(tls.withProvider(TlsConfig.Provider.AUTO));
    if (!io.netty.handler.ssl.OpenSsl.isAvailable()) {
      assertThatThrownBy(() -> ServerTls.check(tls.withProvider(TlsConfig.Provider.OPENSSL)))
          .hasMessageContaining("tls.provider");
    } else {
      ServerTls.check(tls.withProvider(TlsConfig.Provider.OPENSSL));
    }
  }

  @Test
  @DisplayName("a taken port names the listener's scheme and address")
  void takenPort() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      var broker =
          new dev.switchboard.broker.Broker(
              TestBroker.config().withListener(ListenerConfig.ws("ws", taken.getLocalPort())));
      assertThatThrownBy(broker::start)
          .isInstanceOf(ListenerException.class)
          .hasMessageContaining("ws://127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  @DisplayName("the bound listeners, in order, with the URLs clients use")
  void boundListeners() {
    try (TestBroker b =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withListener(ListenerConfig.ws("ws", 0).withWsPath("/broker"))
                    .withListener(ListenerConfig.wss("wss", BrokerConfig.PORT_OFF))
                    .withTls(TlsConfig.selfSigned(dir)))) {
      var bound = b.broker().boundListeners();
      assertThat(bound).extracting(BoundListener::name).containsExactly("mqtt", "mqtts", "ws");
      assertThat(bound.get(1).url()).isEqualTo("mqtts://127.0.0.1:" + b.broker().port("mqtts"));
      assertThat(bound.get(2).url())
          .isEqualTo("ws://127.0.0.1:" + b.broker().port("ws") + "/broker");
      assertThat(b.broker().boundAddresses()).containsOnlyKeys("mqtt", "mqtts", "ws");
      assertThatThrownBy(() -> b.broker().port("wss")).hasMessageContaining("wss");
    }
  }
}
