package dev.switchboard.device;

/**
 * A device's program: ESP-IDF's {@code app_main}, run on the device's "main" task when it boots and
 * again after each {@code esp_restart}. Returning from it ends the main task only; what it started
 * (the MQTT client, timers, tasks, handlers) goes on, as on the chip. An exception out of it, or an
 * {@code ESP_ERROR_CHECK} that fails, stops that device (see {@link Esp32}).
 *
 * <p>A firmware class needs a public constructor without arguments: {@code switchboard device run}
 * makes one per device.
 */
@FunctionalInterface
public interface Firmware {
  void app_main(Esp32 esp) throws Exception;
}
