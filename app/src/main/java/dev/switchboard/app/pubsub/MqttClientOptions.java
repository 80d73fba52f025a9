package dev.switchboard.app.pubsub;

import dev.switchboard.client.Mqtt5DisconnectProperty;
import dev.switchboard.client.Mqtt5PublishProperty;
import dev.switchboard.client.Mqtt5SubscribeProperty;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttProtocolVersion;
import dev.switchboard.client.MqttTransport;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Mixin;

/**
 * The flags {@code switchboard pub} and {@code switchboard sub} share, with mosquitto_pub's and
 * mosquitto_sub's names, defaults and checks, turned into the client's {@link MqttClientConfig}.
 * Each group of flags is a mixin of its own; they are declared in the order --help lists them.
 */
final class MqttClientOptions {
  @Mixin BrokerOptions broker;

  @Mixin SessionOptions session;

  @Mixin PropertyOptions properties;

  @Mixin WillOptions will;

  @Mixin TlsOptions tls;

  @Mixin OutputOptions output;

  /** The flags made into a client configuration, and what the commands need besides. */
  record Resolved(
      MqttClientConfig config,
      MqttProtocolVersion version,
      String broker,
      String urlTopic,
      Mqtt5PublishProperty publishProperty,
      Mqtt5SubscribeProperty subscribeProperty,
      Mqtt5DisconnectProperty disconnectProperty) {

    boolean v5() {
      return version.isV5();
    }

    /** The protocol version as mosquitto's debug lines name it. */
    String versionName() {
      return switch (version) {
        case V_3_1 -> "3.1";
        case V_3_1_1 -> "3.1.1";
        case V_5 -> "5";
      };
    }
  }

  /** The QoS of -q. */
  int qos() {
    return session.qos;
  }

  /** Where the command's runtime errors and debug lines go, as -d and --quiet say. */
  Console console(PrintWriter err) {
    return output.console(err);
  }

  /**
   * Checks the flags and builds the configuration. {@code reconnect}: whether the client connects
   * again after a lost connection (mosquitto_sub does; mosquitto_pub only with -l); a refused or
   * failed first connection always ends the command.
   */
  Resolved resolve(Tool tool, boolean reconnect) throws UsageError {
    // Of two mistakes, the first check names one: keep the order, so that it stays the same one.
    MqttProtocolVersion version = session.version(properties.given());
    session.checkQosAndKeepalive();
    broker.checkPort();
    session.checkClientId();
    BrokerUrl url = broker.url();
    SessionOptions.Credentials credentials = session.credentials(url, version);
    will.check();

    Mqtt5Properties p = properties.parse(tool, version.isV5());
    if (p.anyWill && !will.given()) {
      throw new UsageError("-D will ... given, but no will topic given (--will-topic).");
    }
    Long expiry = session.sessionExpiry(p.sessionExpiry);
    if (expiry != null && version.isV5()) {
      p.connect.sessionExpiryInterval(expiry);
    }

    // Where to connect, and how.
    MqttTransport transport = broker.transport(url, tls.trustGiven());
    tls.checkFor(transport);
    BrokerOptions.Endpoint endpoint = broker.endpoint(url, transport);
    TlsOptions.Pem pem = tls.read();

    String clientId = session.clientId(version);
    MqttClientConfig config;
    try {
      config =
          MqttClientConfig.builder()
              .broker(
                  b ->
                      b.hostname(endpoint.host())
                          .port(endpoint.port())
                          .transport(transport)
                          .path(endpoint.webSocketPath())
                          .verification(v -> tls.applyTo(v, pem.certificates())))
              .credentials(
                  c -> {
                    if (clientId == null) {
                      c.setNullClientId(true);
                    } else {
                      c.clientId(clientId);
                    }
                    c.username(credentials.user())
                        .authentication(
                            a -> {
                              a.password(credentials.password());
                              if (pem.clientCertificate() != null) {
                                a.certificate(pem.clientCertificate()).key(pem.clientKey());
                              }
                            });
                  })
              .session(
                  s -> {
                    s.keepalive(session.keepalive)
                        .disableCleanSession(session.disableCleanSession)
                        .protocolVer(version)
                        .connectProperty(version.isV5() ? p.connect.build() : null);
                    will.applyTo(s);
                  })
              .network(
                  n -> n.disableAutoReconnect(!reconnect).reconnectTimeout(Duration.ofSeconds(1)))
              // A command waits for its acknowledgements as long as mosquitto's tools do.
              .outbox(o -> o.expiry(Duration.ofDays(365)))
              .extensions(e -> e.reassembleData(true))
              .build();
    } catch (IllegalArgumentException e) { // MqttConfigException, and the property records' checks
      throw new UsageError(e.getMessage());
    }
    return new Resolved(
        config,
        version,
        endpoint.describe(),
        url == null ? null : url.topic(),
        version.isV5() ? p.publish() : null,
        version.isV5() ? p.subscribe() : null,
        version.isV5() ? p.disconnect() : null);
  }
}
