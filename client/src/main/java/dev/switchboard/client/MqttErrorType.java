package dev.switchboard.client;

/** The source of an ERROR: ESP-MQTT's {@code esp_mqtt_error_type_t}. */
public enum MqttErrorType {
  NONE,
  /** The network or TLS failed: see the socket errno and the TLS failure. */
  TCP_TRANSPORT,
  /** The broker refused the connection: see the connect return code. */
  CONNECTION_REFUSED,
  /** The broker refused one or more filters of a SUBSCRIBE. */
  SUBSCRIBE_FAILED
}
