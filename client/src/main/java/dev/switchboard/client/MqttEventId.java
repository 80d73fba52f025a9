package dev.switchboard.client;

/** What an event reports: ESP-MQTT's {@code esp_mqtt_event_id_t}. */
public enum MqttEventId {
  /** Registers a handler for every event ({@code MQTT_EVENT_ANY}); never posted itself. */
  ANY,
  /** A transport error, a refused connection, or a failed subscription. */
  ERROR,
  /** The broker accepted the connection; {@link MqttEvent#sessionPresent()} says if it kept one. */
  CONNECTED,
  /** The connection ended (or could not be made). */
  DISCONNECTED,
  /** A SUBACK arrived; its return codes are the event's data. */
  SUBSCRIBED,
  /** An UNSUBACK arrived. */
  UNSUBSCRIBED,
  /** A QoS 1 message was acknowledged (PUBACK) or a QoS 2 one completed (PUBCOMP). */
  PUBLISHED,
  /** A message arrived, or a part of one larger than the buffer. */
  DATA,
  /** The client is about to connect. */
  BEFORE_CONNECT,
  /** A message expired in the outbox before it could be sent or acknowledged. */
  DELETED,
  /** An event the application dispatched itself with {@link MqttClient#dispatchCustomEvent}. */
  USER
}
