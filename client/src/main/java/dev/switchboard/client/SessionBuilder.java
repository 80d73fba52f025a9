package dev.switchboard.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The {@code session} group of {@link MqttClientConfig#builder()}: last will, clean session, keep
 * alive, protocol version; it makes a {@link MqttClientConfig.Session}.
 */
public final class SessionBuilder {
  MqttClientConfig.LastWill lastWill = MqttClientConfig.LastWill.NONE;
  boolean disableCleanSession;
  int keepalive = 120;
  boolean disableKeepalive;
  MqttProtocolVersion protocolVer = MqttProtocolVersion.V_3_1_1;
  Duration messageRetransmitTimeout = Duration.ofSeconds(1);
  Mqtt5ConnectProperty connectProperty = Mqtt5ConnectProperty.NONE;

  public SessionBuilder lastWill(String topic, byte[] msg, int qos, boolean retain) {
    this.lastWill =
        new MqttClientConfig.LastWill(topic, msg == null ? new byte[0] : msg.clone(), qos, retain);
    return this;
  }

  public SessionBuilder lastWill(String topic, String msg, int qos, boolean retain) {
    return lastWill(topic, msg == null ? null : msg.getBytes(StandardCharsets.UTF_8), qos, retain);
  }

  /** Keep the session: MQTT 3.1.1 CleanSession 0, MQTT 5 Clean Start 0. */
  public SessionBuilder disableCleanSession(boolean on) {
    this.disableCleanSession = on;
    return this;
  }

  /** Seconds; 0 means the default (120), as in ESP-MQTT. */
  public SessionBuilder keepalive(int seconds) {
    this.keepalive = seconds;
    return this;
  }

  public SessionBuilder disableKeepalive(boolean on) {
    this.disableKeepalive = on;
    return this;
  }

  public SessionBuilder protocolVer(MqttProtocolVersion version) {
    this.protocolVer = version;
    return this;
  }

  /**
   * MQTT 3.1 and 3.1.1 only: how long a sent QoS 1 or 2 message waits for its acknowledgement
   * before it is sent again with DUP (1 s). MQTT 5 forbids such resending; there, unacknowledged
   * messages are sent again only after a reconnect.
   */
  public SessionBuilder messageRetransmitTimeout(Duration timeout) {
    this.messageRetransmitTimeout = timeout;
    return this;
  }

  /** MQTT 5 CONNECT and will properties. */
  public SessionBuilder connectProperty(Mqtt5ConnectProperty property) {
    this.connectProperty = property == null ? Mqtt5ConnectProperty.NONE : property;
    return this;
  }
}
