package dev.switchboard.mqtt.packet;

/** PUBACK. In MQTT 3.1.1 the reason code is always 0 (success) and properties are empty. */
public record PubAck(int packetId, int reasonCode, MqttProperties properties)
    implements MqttPacket {
  public PubAck(int packetId) {
    this(packetId, 0, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.PUBACK;
  }
}
