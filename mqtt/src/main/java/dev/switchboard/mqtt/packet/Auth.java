package dev.switchboard.mqtt.packet;

/** AUTH (MQTT 5 only). */
public record Auth(int reasonCode, MqttProperties properties) implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.AUTH;
  }
}
