package dev.switchboard.client;

import dev.switchboard.mqtt.packet.UserProperty;
import java.util.List;

/**
 * MQTT 5 properties an event carries: ESP-MQTT's {@code esp_mqtt5_event_property_t}, plus the
 * message expiry interval and the reason string. For DATA they come from the PUBLISH; for CONNECTED
 * from the CONNACK; for PUBLISHED, SUBSCRIBED and UNSUBSCRIBED from the acknowledgement; for
 * DISCONNECTED from the broker's DISCONNECT.
 */
public record Mqtt5EventProperty(
    boolean payloadFormatIndicator,
    String responseTopic,
    byte[] correlationData,
    String contentType,
    List<Integer> subscribeIds,
    Long messageExpiryInterval,
    String reasonString,
    List<UserProperty> userProperties) {

  public static final Mqtt5EventProperty EMPTY =
      new Mqtt5EventProperty(false, null, null, null, List.of(), null, null, List.of());

  public Mqtt5EventProperty {
    subscribeIds = List.copyOf(subscribeIds == null ? List.of() : subscribeIds);
    userProperties = List.copyOf(userProperties == null ? List.of() : userProperties);
  }

  /** The first subscription identifier, or 0: ESP-MQTT's {@code subscribe_id}. */
  public int subscribeId() {
    return subscribeIds.isEmpty() ? 0 : subscribeIds.get(0);
  }
}
