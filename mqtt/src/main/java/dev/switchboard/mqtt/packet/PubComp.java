package dev.switchboard.mqtt.packet;

/** PUBCOMP. In MQTT 3.1.1 the reason code is always 0 (success) and properties are empty. */
public record PubComp(int packetId, int reasonCode, MqttProperties properties)
    implements MqttPacket {
  public PubComp(int packetId) {
    this(packetId, 0, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.PUBCOMP;
  }
}
