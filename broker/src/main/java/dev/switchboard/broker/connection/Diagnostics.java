package dev.switchboard.broker.connection;

import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.UnsubAck;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The Reason Strings and User Properties of the packets we send, and when to leave them out. */
final class Diagnostics {
  private Diagnostics() {}

  /** Properties carrying only a Reason String, or none for null. */
  static MqttProperties reason(String reasonString) {
    return reasonString == null
        ? MqttProperties.EMPTY
        : MqttProperties.builder().reasonString(reasonString).build();
  }

  static MqttPacket withoutDiagnostics(MqttPacket packet) {
    return switch (packet) {
      case ConnAck a -> new ConnAck(a.sessionPresent(), a.reasonCode(), bare(a.properties()));
      case Disconnect d -> new Disconnect(d.reasonCode(), bare(d.properties()));
      default -> withoutProblemInformation(packet);
    };
  }

  private static MqttProperties bare(MqttProperties p) {
    return p.reasonString() == null && p.userProperties().isEmpty()
        ? p
        : p.toBuilder().reasonString(null).userProperties(List.of()).build();
  }

  /**
   * [MQTT-3.1.2-29]: no Reason String or User Properties except on PUBLISH, CONNACK, DISCONNECT.
   */
  static MqttPacket withoutProblemInformation(MqttPacket packet) {
    return switch (packet) {
      case PubAck a when !a.properties().isEmpty() ->
          new PubAck(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case PubRec a when !a.properties().isEmpty() ->
          new PubRec(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case PubRel a when !a.properties().isEmpty() ->
          new PubRel(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case PubComp a when !a.properties().isEmpty() ->
          new PubComp(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case SubAck a when !a.properties().isEmpty() ->
          new SubAck(a.packetId(), a.reasonCodes(), MqttProperties.EMPTY);
      case UnsubAck a when !a.properties().isEmpty() ->
          new UnsubAck(a.packetId(), a.reasonCodes(), MqttProperties.EMPTY);
      default -> packet;
    };
  }

  /** Whether {@code payload} is well-formed UTF-8 (a Payload Format Indicator of 1 says it is). */
  static boolean isUtf8(byte[] payload) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
