package dev.switchboard.mqtt.packet;

/** One MQTT control packet. Every implementation is an immutable record. */
public sealed interface MqttPacket
    permits Connect,
        ConnAck,
        Publish,
        PubAck,
        PubRec,
        PubRel,
        PubComp,
        Subscribe,
        SubAck,
        Unsubscribe,
        UnsubAck,
        PingReq,
        PingResp,
        Disconnect,
        Auth {
  PacketType type();
}
