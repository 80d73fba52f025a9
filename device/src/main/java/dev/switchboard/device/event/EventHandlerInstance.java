package dev.switchboard.device.event;

/**
 * ESP-IDF's {@code esp_event_handler_instance_t}: one registration made with an {@code
 * _instance_register} call, what its {@code _instance_unregister} takes. The same handler may be
 * registered as several instances.
 */
public final class EventHandlerInstance {
  final EventBase base;
  final int id;
  final EventHandler handler;
  volatile boolean removed;
  boolean legacy;

  EventHandlerInstance(EventBase base, int id, EventHandler handler) {
    this.base = base;
    this.id = id;
    this.handler = handler;
  }

  @Override
  public String toString() {
    return "handler "
        + handler
        + " for "
        + base
        + ":"
        + (id == EventLoop.ESP_EVENT_ANY_ID ? "ANY" : id);
  }
}
