package dev.switchboard.microbench;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import java.util.Arrays;

/** The packets the codec benchmarks share, so that decode and encode measure the same bytes. */
final class Fixtures {
  /** A typical telemetry topic: five levels, 22 ASCII characters. */
  static final String TOPIC = "site/42/device/17/temp";

  private Fixtures() {}

  /**
   * A PUBLISH as an IoT device sends it. In MQTT 5.0 it carries three properties: Message Expiry
   * Interval, Content Type and one User Property.
   */
  static Publish publish(MqttVersion version, int qos, int payloadSize) {
    byte[] payload = new byte[payloadSize];
    // JSON-ish ASCII, like most telemetry; the codec does not look at it.
    Arrays.fill(payload, (byte) 'x');
    MqttProperties properties =
        version == MqttVersion.V5
            ? MqttProperties.builder()
                .messageExpiryInterval(3600L)
                .contentType("application/json")
                .addUserProperty("unit", "celsius")
                .build()
            : MqttProperties.EMPTY;
    return new Publish(TOPIC, payload, qos, false, false, qos == 0 ? 0 : 4711, properties);
  }

  /** The CONNECT a server-side decoder must see before it accepts a PUBLISH. */
  static Connect connect(MqttVersion version) {
    return new Connect(version, "sensor-42-17", true, 60, null, null, null, MqttProperties.EMPTY);
  }
}
