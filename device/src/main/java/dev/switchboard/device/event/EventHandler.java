package dev.switchboard.device.event;

/**
 * ESP-IDF's {@code esp_event_handler_t}. The {@code handler_arg} of C is what the lambda captures.
 * {@code data} is what was posted: a copy of a posted {@code byte[]}, or the posted object itself
 * (records, immutable), or null.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(EventBase base, int id, Object data);
}
