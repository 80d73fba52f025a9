package dev.switchboard.mqtt.packet;

import dev.switchboard.mqtt.MqttVersion;

/**
 * CONNECT. {@code username} and {@code password} are null when their flags are clear; {@code will}
 * is null when the Will Flag is clear; {@code keepAlive} is in seconds.
 */
public record Connect(
    MqttVersion version,
    String clientId,
    boolean cleanStart,
    int keepAlive,
    String username,
    byte[] password,
    Will will,
    MqttProperties properties)
    implements MqttPacket {
  @Override
  public PacketType type() {
    return PacketType.CONNECT;
  }
}
