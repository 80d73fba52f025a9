package dev.switchboard.device;

/**
 * Where devices' log lines go: one call per line, already formatted as ESP-IDF formats them, with
 * the device's name in front ({@code device_1 I (1234) mqtt_example: MQTT_EVENT_CONNECTED}). Called
 * from any of the device's threads; an implementation is thread safe.
 */
@FunctionalInterface
public interface DeviceLog {
  void line(String deviceName, char level, String line);

  /** Lines to standard output. */
  static DeviceLog stdout() {
    return (device, level, line) -> System.out.println(line);
  }

  /** No lines. */
  static DeviceLog none() {
    return (device, level, line) -> {};
  }
}
