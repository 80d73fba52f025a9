package dev.switchboard.client;

import dev.switchboard.mqtt.packet.UserProperty;
import java.util.List;

/**
 * MQTT 5 properties of one UNSUBSCRIBE: ESP-MQTT's {@code esp_mqtt5_unsubscribe_property_config_t}.
 * A share name turns the filter into {@code $share/<shareName>/<filter>}.
 */
public record Mqtt5UnsubscribeProperty(String shareName, List<UserProperty> userProperties) {
  public Mqtt5UnsubscribeProperty {
    userProperties = List.copyOf(userProperties == null ? List.of() : userProperties);
  }
}
