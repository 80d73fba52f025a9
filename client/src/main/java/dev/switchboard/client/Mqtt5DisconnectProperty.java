package dev.switchboard.client;

import dev.switchboard.mqtt.packet.UserProperty;
import java.util.List;

/**
 * MQTT 5 content of the DISCONNECT the client sends: ESP-MQTT's {@code
 * esp_mqtt5_disconnect_property_config_t}. A null session expiry interval is not sent.
 */
public record Mqtt5DisconnectProperty(
    Long sessionExpiryInterval, int disconnectReason, List<UserProperty> userProperties) {
  public Mqtt5DisconnectProperty {
    userProperties = List.copyOf(userProperties == null ? List.of() : userProperties);
    if (disconnectReason < 0 || disconnectReason > 0xFF) {
      throw new IllegalArgumentException("a reason code is one byte: " + disconnectReason);
    }
  }
}
