package dev.switchboard.device.event;

import java.util.Objects;

/**
 * ESP-IDF's {@code esp_event_base_t}: the name of a source of events ({@code WIFI_EVENT}, {@code
 * IP_EVENT}, {@code MQTT_EVENTS}, or a firmware's own, as {@code ESP_EVENT_DEFINE_BASE} makes
 * them). Two bases are the same when their names are. {@link #ANY} is {@code ESP_EVENT_ANY_BASE}:
 * it registers for every base and cannot be posted.
 */
public record EventBase(String name) {
  /** {@code ESP_EVENT_ANY_BASE}. */
  public static final EventBase ANY = new EventBase("ESP_EVENT_ANY_BASE");

  public EventBase {
    Objects.requireNonNull(name, "name");
  }

  /** {@code ESP_EVENT_DEFINE_BASE(name)}. */
  public static EventBase define(String name) {
    return new EventBase(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
