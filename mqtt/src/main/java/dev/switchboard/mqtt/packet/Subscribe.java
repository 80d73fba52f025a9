package dev.switchboard.mqtt.packet;

import java.util.List;

/** SUBSCRIBE. */
public record Subscribe(int packetId, List<Subscription> subscriptions, MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.SUBSCRIBE;
  }
}
