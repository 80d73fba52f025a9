package dev.switchboard.mqtt.packet;

/** DISCONNECT. In MQTT 3.1.1 the reason code is 0 and there are no properties. */
public record Disconnect(int reasonCode, MqttProperties properties) implements MqttPacket {
  public static final Disconnect NORMAL = new Disconnect(0, MqttProperties.EMPTY);

  @Override
  public PacketType type() {
    return PacketType.DISCONNECT;
  }
}
