package dev.switchboard.mqtt.packet;

import java.util.List;

/** SUBACK: one reason code (3.1.1: return code) per filter, in the SUBSCRIBE's order. */
public record SubAck(int packetId, List<Integer> reasonCodes, MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.SUBACK;
  }
}
