package dev.switchboard.mqtt.packet;

/**
 * CONNACK. {@code reasonCode} is the MQTT 5 reason code; for 3.1.1 peers the codec writes and reads
 * the 3.1.1 return code in the same byte (callers convert with {@code ReasonCode.toV3ConnAck}).
 */
public record ConnAck(boolean sessionPresent, int reasonCode, MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.CONNACK;
  }
}
