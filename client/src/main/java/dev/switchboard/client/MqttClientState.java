package dev.switchboard.client;

/** Where a client is: ESP-MQTT's {@code mqtt_client_state_t}. */
public enum MqttClientState {
  /** Created but not started, or started and connecting. */
  INIT,
  /** Stopped: {@link MqttClient#start()} may be called again. */
  DISCONNECTED,
  /** Connected: the broker accepted the CONNECT. */
  CONNECTED,
  /** The connection ended; the client waits for the reconnect timeout or {@code reconnect()}. */
  WAIT_RECONNECT,
  /** Destroyed: nothing may be called any more. */
  DESTROYED
}
