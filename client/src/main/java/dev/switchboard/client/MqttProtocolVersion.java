package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;

/** The MQTT protocol version a client connects with: ESP-MQTT's {@code esp_mqtt_protocol_ver_t}. */
public enum MqttProtocolVersion {
  V_3_1(MqttVersion.V3_1),
  V_3_1_1(MqttVersion.V3_1_1),
  V_5(MqttVersion.V5);

  private final MqttVersion wire;

  MqttProtocolVersion(MqttVersion wire) {
    this.wire = wire;
  }

  MqttVersion wire() {
    return wire;
  }

  public boolean isV5() {
    return this == V_5;
  }
}
