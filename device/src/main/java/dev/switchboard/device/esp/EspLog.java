package dev.switchboard.device.esp;

/**
 * Where a device's {@code ESP_LOGx} lines go: level ({@code E W I D V}), tag, message; the device
 * adds its name and the milliseconds since its boot, as ESP-IDF adds the timestamp.
 */
@FunctionalInterface
public interface EspLog {
  void log(char level, String tag, String message);

  default void error(String tag, String message) {
    log('E', tag, message);
  }

  default void warn(String tag, String message) {
    log('W', tag, message);
  }

  default void info(String tag, String message) {
    log('I', tag, message);
  }
}
