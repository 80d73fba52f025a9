package dev.switchboard.client;

/**
 * Where a client's handlers are registered and its events run: by default the client itself, on its
 * task thread. ESP-MQTT posts its events through an {@code esp_event} loop; a device runtime that
 * has one passes it to {@link MqttClient#init(MqttClientConfig, MqttClientNetwork, MqttEventLoop)},
 * and then {@code registerEvent} and {@code unregisterEvent} go to that loop and every event is
 * dispatched through it.
 */
public interface MqttEventLoop {
  /** {@code esp_mqtt_client_register_event} on this loop. */
  void register(MqttEventId id, MqttEventHandler handler);

  /** {@code esp_mqtt_client_unregister_event} on this loop. */
  void unregister(MqttEventId id, MqttEventHandler handler);

  /**
   * Runs the handlers registered for the event, returning once they ran: the client sends what
   * follows an event (an acknowledgement, the next event) only after its handlers. Called on the
   * client's task thread, one event at a time, in order; never under the client's lock.
   */
  void dispatch(MqttEvent event);

  /**
   * Whether the calling thread is running one of this loop's handlers for the client, so that
   * {@code stop()} and {@code destroy()}, which wait for the dispatch, refuse instead of waiting
   * for ever.
   */
  boolean isHandlerThread();
}
