package dev.switchboard.mqtt.packet;

/**
 * PUBLISH. {@code packetId} is 0 for QoS 0. {@code topic} may be empty in MQTT 5 when a Topic Alias
 * stands for it. The payload array is shared, never modified, so one message can be written to many
 * subscribers without copying.
 */
public record Publish(
    String topic,
    byte[] payload,
    int qos,
    boolean retain,
    boolean dup,
    int packetId,
    MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.PUBLISH;
  }

  public Publish withPacketId(int id, boolean dupFlag) {
    return new Publish(topic, payload, qos, retain, dupFlag, id, properties);
  }
}
