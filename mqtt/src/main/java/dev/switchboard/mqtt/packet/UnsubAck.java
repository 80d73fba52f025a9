package dev.switchboard.mqtt.packet;

import java.util.List;

/** UNSUBACK: in MQTT 5 one reason code per filter; in 3.1.1 the list is empty on the wire. */
public record UnsubAck(int packetId, List<Integer> reasonCodes, MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.UNSUBACK;
  }
}
