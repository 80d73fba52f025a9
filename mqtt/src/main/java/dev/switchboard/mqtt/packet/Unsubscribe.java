package dev.switchboard.mqtt.packet;

import java.util.List;

/** UNSUBSCRIBE. */
public record Unsubscribe(int packetId, List<String> filters, MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.UNSUBSCRIBE;
  }
}
