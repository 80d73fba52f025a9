package dev.switchboard.client;

/**
 * Receives a client's events: ESP-MQTT's {@code esp_event_handler_t}. Handlers run one at a time,
 * in the order the events happened, on the client's own task thread, never on a network thread.
 * They may call {@code publish}, {@code subscribe} and the other calls of the client, but not
 * {@code stop()} or {@code destroy()}, which wait for that thread.
 */
@FunctionalInterface
public interface MqttEventHandler {
  void handle(MqttEvent event);
}
