package dev.switchboard.mqtt.packet;

/** PINGREQ. */
public record PingReq() implements MqttPacket {
  public static final PingReq INSTANCE = new PingReq();

  @Override
  public PacketType type() {
    return PacketType.PINGREQ;
  }
}
