package dev.switchboard.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.ListenerConfig.ClientAuth;
import dev.switchboard.broker.transport.ServerTls;
import dev.switchboard.broker.transport.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The transport settings: the four listeners ({@code switchboard.listeners.mqtt}, {@code mqtts},
 * {@code ws}, {@code wss}: port, PROXY protocol, client certificates, WebSocket path) and {@code
 * switchboard.tls} (certificate, key, client CA, provider, timeouts). Every problem is a {@link
 * ConfigError} naming the setting; certificate and key files are read here already, so that a bad
 * one stops the start before anything listens.
 */
final class TransportSettings {
  private static final String ROOT = "switchboard";

  /** Where the self-signed certificate goes, below the data directory. */
  static final String GENERATED_DIRECTORY = "tls";

  private final Config config;
  private final Path dataDir;

  TransportSettings(Config config, Path dataDir) {
    this.config = config;
    this.dataDir = dataDir;
  }

  /**
   * {@code base} (whose plain MQTT port is already set from {@code listeners.mqtt.port}) with every
   * listener and the TLS settings.
   */
  BrokerConfig applyTo(BrokerConfig base) {
    List<ListenerConfig> listeners =
        List.of(
            ListenerConfig.tcp("mqtt", base.mqttPort())
                .withProxyProtocol(bool("listeners.mqtt.proxy-protocol")),
            ListenerConfig.tls("mqtts", port("listeners.mqtts.port"))
                .withProxyProtocol(bool("listeners.mqtts.proxy-protocol"))
                .withClientAuth(clientAuth("listeners.mqtts.client-auth")),
            ListenerConfig.ws("ws", port("listeners.ws.port"))
                .withProxyProtocol(bool("listeners.ws.proxy-protocol"))
                .withWsPath(string("listeners.ws.path")),
            ListenerConfig.wss("wss", port("listeners.wss.port"))
                .withProxyProtocol(bool("listeners.wss.proxy-protocol"))
                .withClientAuth(clientAuth("listeners.wss.client-auth"))
                .withWsPath(string("listeners.wss.path")));
    BrokerConfig c = base.withListeners(listeners).withTls(tls());
    try {
      c.validate();
      if (listeners.stream().anyMatch(l -> l.enabled() && l.kind().tls())) {
        ServerTls.check(c.tls());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigError(ROOT + "." + e.getMessage());
    }
    return c;
  }

  private TlsConfig tls() {
    String providerText = string("tls.provider");
    TlsConfig.Provider provider = TlsConfig.Provider.parse(providerText);
    if (provider == null) {
      throw new ConfigError(
          ROOT + ".tls.provider must be auto, openssl or jdk, not \"" + providerText + "\"");
    }
    Duration reload = duration("tls.reload-interval");
    if (reload.isNegative()) {
      throw new ConfigError(ROOT + ".tls.reload-interval must not be negative, not " + reload);
    }
    return new TlsConfig(
        file("tls.certificate"),
        file("tls.key"),
        string("tls.key-password"),
        file("tls.client-ca"),
        provider,
        duration("tls.handshake-timeout"),
        reload,
        dataDir.resolve(GENERATED_DIRECTORY));
  }

  /** A file setting; empty means not set. */
  private Path file(String key) {
    String value = string(key);
    return value.isBlank() ? null : Path.of(value);
  }

  private ClientAuth clientAuth(String key) {
    String value = string(key);
    ClientAuth auth = ClientAuth.parse(value);
    if (auth == null) {
      throw new ConfigError(
          ROOT + "." + key + " must be none, optional or require, not \"" + value + "\"");
    }
    return auth;
  }

  private int port(String key) {
    String raw;
    try {
      raw = String.valueOf(config.getValue(ROOT + "." + key).unwrapped());
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage().replace('\n', ' '));
    }
    if ("off".equalsIgnoreCase(raw.trim())) {
      return ListenerConfig.PORT_OFF;
    }
    try {
      int p = Integer.parseInt(raw.trim());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new ConfigError(
        ROOT + "." + key + " must be a port from 0 to 65535 or \"off\", not " + raw);
  }

  private String string(String key) {
    try {
      return config.getString(ROOT + "." + key);
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage().replace('\n', ' '));
    }
  }

  private boolean bool(String key) {
    try {
      return config.getBoolean(ROOT + "." + key);
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage().replace('\n', ' '));
    }
  }

  private Duration duration(String key) {
    try {
      return config.getDuration(ROOT + "." + key);
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage().replace('\n', ' '));
    }
  }
}
