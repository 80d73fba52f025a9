package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.topic.Topics;

/**
 * A configuration as the client uses it: checked for conflicts between its groups, with the broker
 * endpoint resolved from {@code broker.address} and the TLS context made when the connection needs
 * one. Made by {@code init}, {@code setUri} and {@code setConfig}, so that a configuration that
 * cannot work is refused there, not at the next connection.
 *
 * @param endpoint where to connect, or null when no broker address is set yet
 * @param tls the TLS context, or null when the transport is not TLS
 */
record AppliedConfig(MqttClientConfig config, BrokerEndpoint endpoint, ClientTls tls) {

  /**
   * Resolves and checks {@code c}.
   *
   * @throws MqttConfigException when its groups conflict or a certificate or key cannot be read
   */
  static AppliedConfig of(MqttClientConfig c) {
    BrokerEndpoint e = BrokerEndpoint.of(c.broker().address());
    checkConflicts(c, e);
    ClientTls t = needsTls(c, e) ? ClientTls.of(c) : null;
    return new AppliedConfig(c, e, t);
  }

  private static boolean needsTls(MqttClientConfig c, BrokerEndpoint e) {
    return (e != null && e.transport().isTls())
        || c.broker().verification().anySet()
        || c.credentials().authentication().certificate() != null;
  }

  private static void checkConflicts(MqttClientConfig c, BrokerEndpoint e) {
    MqttClientConfig.Authentication a = c.credentials().authentication();
    boolean tlsOptions = c.broker().verification().anySet() || a.certificate() != null;
    if (tlsOptions && e != null && !e.transport().isTls()) {
      throw new MqttConfigException(
          "TLS options (broker.verification or a client certificate) are set but the transport is "
              + e.transport().scheme()
              + "; use mqtts or wss");
    }
    if ((a.certificate() == null) != (a.key() == null)) {
      throw new MqttConfigException(
          "credentials.authentication: a client certificate needs its key, and a key its"
              + " certificate");
    }
    if (!c.session().protocolVer().isV5()
        && !c.session().connectProperty().equals(Mqtt5ConnectProperty.NONE)) {
      throw new MqttConfigException(
          "session.connect_property holds MQTT 5 properties but the protocol is "
              + c.session().protocolVer());
    }
    MqttClientConfig.LastWill w = c.session().lastWill();
    if (w.topic() != null && !Topics.isValidName(w.topic())) {
      throw new MqttConfigException(
          "session.last_will.topic is not a valid topic name: " + w.topic());
    }
  }

  MqttProtocolVersion protocolVer() {
    return config.session().protocolVer();
  }

  /** The protocol version on the wire. */
  MqttVersion version() {
    return protocolVer().wire();
  }

  boolean isV5() {
    return protocolVer().isV5();
  }

  /** The client id the CONNECT carries: the configured one, empty, or made from the MAC. */
  String configuredClientId() {
    MqttClientConfig.Credentials c = config.credentials();
    if (c.setNullClientId()) {
      return "";
    }
    return c.clientId() != null ? c.clientId() : DeviceMac.defaultClientId(config.deviceMac());
  }
}
