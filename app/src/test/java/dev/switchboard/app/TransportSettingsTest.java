package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.ListenerConfig.ClientAuth;
import dev.switchboard.broker.transport.ListenerConfig.Kind;
import dev.switchboard.broker.transport.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard.listeners.*} and {@code switchboard.tls.*}: defaults, overrides, errors. */
@DisplayName("Configuration: listeners and TLS")
class TransportSettingsTest {
  @TempDir Path dir;

  private BrokerConfig load(Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(overrides);
    all.putIfAbsent("data-dir", dir.resolve("data").toString());
    return SwitchboardConfig.load(null, Map.of(), all).brokerConfig();
  }

  private BrokerConfig load(String hocon) throws IOException {
    Path file = dir.resolve("switchboard.conf");
    Files.writeString(file, hocon);
    return SwitchboardConfig.load(
            file, Map.of(), Map.of("data-dir", dir.resolve("data").toString()))
        .brokerConfig();
  }

  @Test
  @DisplayName("defaults: MQTT 1883, MQTTS 8883, WS 8083 and WSS 8084 on /mqtt, self-signed TLS")
  void defaults() {
    BrokerConfig c = load(Map.of());
    assertThat(c.listeners())
        .extracting(ListenerConfig::name, ListenerConfig::kind, ListenerConfig::port)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mqtt", Kind.TCP, 1883),
            org.assertj.core.groups.Tuple.tuple("mqtts", Kind.TLS, 8883),
            org.assertj.core.groups.Tuple.tuple("ws", Kind.WS, 8083),
            org.assertj.core.groups.Tuple.tuple("wss", Kind.WSS, 8084));
    assertThat(c.listeners())
        .allMatch(l -> !l.proxyProtocol() && l.clientAuth() == ClientAuth.NONE);
    assertThat(c.listener("ws").orElseThrow().wsPath()).isEqualTo("/mqtt");
    assertThat(c.listener("wss").orElseThrow().wsPath()).isEqualTo("/mqtt");
    TlsConfig tls = c.tls();
    assertThat(tls.selfSigned()).isTrue();
    assertThat(tls.generatedDirectory()).isEqualTo(dir.resolve("data").resolve("tls"));
    assertThat(tls.provider()).isEqualTo(TlsConfig.Provider.AUTO);
    assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(tls.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("ports from flags, off included; listener settings from a file")
  void overrides() throws IOException {
    BrokerConfig flags =
        load(
            Map.of(
                "listeners.mqtts.port", "off",
                "listeners.ws.port", "9083",
                "listeners.wss.port", "0"));
    assertThat(flags.listener("mqtts").orElseThrow().enabled()).isFalse();
    assertThat(flags.listener("ws").orElseThrow().port()).isEqualTo(9083);
    assertThat(flags.listener("wss").orElseThrow().port()).isZero();

    Path ca = dir.resolve("ca.pem");
    BrokerConfig file =
        load(
            """
            switchboard {
              listeners {
                mqtt.proxy-protocol = true
                mqtts { port = off }
                ws { path = "/ws/mqtt", proxy-protocol = true }
                wss { port = off, client-auth = optional }
              }
              tls { client-ca = "%s", provider = jdk, handshake-timeout = 3s, reload-interval = 0 }
            }
            """
                .formatted(ca));
    assertThat(file.listener("mqtt").orElseThrow().proxyProtocol()).isTrue();
    assertThat(file.listener("ws").orElseThrow().wsPath()).isEqualTo("/ws/mqtt");
    assertThat(file.listener("ws").orElseThrow().proxyProtocol()).isTrue();
    assertThat(file.listener("wss").orElseThrow().clientAuth()).isEqualTo(ClientAuth.OPTIONAL);
    assertThat(file.tls().clientCa()).isEqualTo(ca);
    assertThat(file.tls().provider()).isEqualTo(TlsConfig.Provider.JDK);
    assertThat(file.tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(file.tls().reloadInterval()).isZero();
  }

  @Test
  @DisplayName("environment variables reach the new keys too")
  void environment() {
    BrokerConfig c =
        SwitchboardConfig.load(
                null,
                Map.of(
                    "SWITCHBOARD_LISTENERS_WS_PORT", "off",
                    "SWITCHBOARD_TLS_HANDSHAKE__TIMEOUT", "2s"),
                Map.of("data-dir", dir.toString()))
            .brokerConfig();
    assertThat(c.listener("ws").orElseThrow().enabled()).isFalse();
    assertThat(c.tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("bad values: one line naming the setting")
  void badValues() throws IOException {
    Path text = dir.resolve("not-a-key.pem");
    Files.writeString(text, "hello\n");
    Path missing = dir.resolve("missing.pem");
    record Case(Map<String, Object> settings, String names) {}
    for (Case k :
        new Case[] {
          new Case(Map.of("listeners.mqtts.port", "70000"), "switchboard.listeners.mqtts.port"),
          new Case(Map.of("listeners.ws.port", "web"), "switchboard.listeners.ws.port"),
          new Case(
              Map.of("listeners.mqtts.client-auth", "sometimes"),
              "switchboard.listeners.mqtts.client-auth"),
          new Case(Map.of("listeners.wss.path", "mqtt"), "switchboard.listeners.wss.path"),
          new Case(
              Map.of("listeners.mqtt.proxy-protocol", "perhaps"), "listeners.mqtt.proxy-protocol"),
          new Case(Map.of("tls.provider", "boring"), "switchboard.tls.provider"),
          new Case(Map.of("tls.handshake-timeout", "0s"), "switchboard.tls.handshake-timeout"),
          new Case(Map.of("tls.reload-interval", "-1s"), "switchboard.tls.reload-interval"),
          new Case(
              Map.of("tls.certificate", missing.toString(), "tls.key", text.toString()),
              "switchboard.tls.certificate"),
          new Case(Map.of("tls.certificate", missing.toString()), "switchboard.tls.key is not set"),
          new Case(
              Map.of("listeners.mqtts.client-auth", "require"),
              "switchboard.listeners.mqtts.client-auth is require, but tls.client-ca is not set"),
          new Case(
              Map.of("listeners.wss.client-auth", "optional", "tls.client-ca", missing.toString()),
              "switchboard.tls.client-ca"),
        }) {
      assertThatThrownBy(() -> load(k.settings()))
          .as(k.names())
          .isInstanceOf(ConfigError.class)
          .hasMessageContaining(k.names())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  @DisplayName("a key file that is not a key names tls.key; nothing is checked when TLS is off")
  void unreadableKey() throws IOException {
    Path notKey = dir.resolve("not-a-key.pem");
    Files.writeString(notKey, "hello\n");
    Path cert = dir.resolve("cert.pem");
    // any certificate will do: the key is looked at after it
    var selfSigned =
        dev.switchboard.broker.transport.SelfSignedCertificate.loadOrCreate(dir.resolve("made"));
    Files.copy(selfSigned.certificateFile(), cert);
    assertThatThrownBy(
            () -> load(Map.of("tls.certificate", cert.toString(), "tls.key", notKey.toString())))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("switchboard.tls.key " + notKey)
        .hasMessageContaining("no PEM private key");

    BrokerConfig off =
        load(
            Map.of(
                "tls.certificate",
                dir.resolve("missing.pem").toString(),
                "tls.key",
                notKey.toString(),
                "listeners.mqtts.port",
                "off",
                "listeners.wss.port",
                "off"));
    assertThat(off.listeners().stream().filter(l -> l.enabled()).map(ListenerConfig::name))
        .containsExactly("mqtt", "ws");
  }
}
