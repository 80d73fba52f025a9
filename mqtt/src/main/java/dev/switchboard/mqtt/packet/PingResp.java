package dev.switchboard.mqtt.packet;

/** PINGRESP. */
public record PingResp() implements MqttPacket {
  public static final PingResp INSTANCE = new PingResp();

  @Override
  public PacketType type() {
    return PacketType.PINGRESP;
  }
}
