package dev.switchboard.device.firmware;

import dev.switchboard.device.Firmware;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The firmwares shipped with Switchboard, by the name {@code switchboard device run} takes. */
public final class BuiltInFirmware {
  private BuiltInFirmware() {}

  private static final Map<String, Supplier<Firmware>> BY_NAME =
      Map.of("mqtt_tcp", MqttTcp::new, "sensor", Sensor::new, "actuator", Actuator::new);

  /** {@code mqtt_tcp}, {@code sensor}, {@code actuator}. */
  public static Optional<Supplier<Firmware>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  public static Set<String> names() {
    return new TreeSet<>(BY_NAME.keySet());
  }
}
