package dev.switchboard.broker.connection;

import dev.switchboard.broker.session.Outbound;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;

/**
 * The client's acknowledgements of what the session sent it (PUBACK, PUBREC, PUBCOMP): checked
 * against the message in flight with their packet id, then handed to the session. Shared by every
 * connection; holds no state of its own.
 */
final class AcknowledgementFlow {

  void onPubAck(MqttConnection c, PubAck a) {
    if (!wrongType(c, a.packetId(), Outbound.Phase.AWAITING_PUBACK)) {
      c.session.inflight().onPubAck(a.packetId());
    }
  }

  /** PUBREC: PUBREL follows [MQTT-4.3.3-4]; for a packet id not in flight, 5.0 says 0x92. */
  void onPubRec(MqttConnection c, PubRec r) {
    if (wrongType(c, r.packetId(), Outbound.Phase.AWAITING_PUBREC)) {
      return;
    }
    if (!c.session.inflight().onPubRec(r.packetId(), r.reasonCode())) {
      c.writer.write(
          new PubRel(
              r.packetId(),
              c.v5Code(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND),
              MqttProperties.EMPTY));
    }
  }

  void onPubComp(MqttConnection c, PubComp p) {
    if (!wrongType(c, p.packetId(), Outbound.Phase.AWAITING_PUBCOMP)) {
      c.session.inflight().onPubComp(p.packetId());
    }
  }

  /**
   * 3.1.1: an acknowledgement of the wrong type for the message in flight with its packet id (a
   * PUBREC or PUBCOMP for a QoS 1 message, a PUBACK for a QoS 2 one) is a protocol violation that
   * closes the connection [MQTT-4.8.0-1]; true when it did. (A PUBREC of a message already PUBREC'd
   * is a repeat, not a violation.) 5.0 answers such a PUBREC with PUBREL 0x92 and ignores the
   * others, as its reason codes allow.
   */
  private static boolean wrongType(MqttConnection c, int packetId, Outbound.Phase expected) {
    if (c.writer.isV5()) {
      return false;
    }
    Outbound.Phase phase = c.session.inflight().phaseOf(packetId);
    boolean wrong =
        phase != null
            && phase != expected
            && !(expected == Outbound.Phase.AWAITING_PUBREC
                && phase == Outbound.Phase.AWAITING_PUBCOMP);
    if (wrong) {
      c.protocolError(
          ReasonCode.PROTOCOL_ERROR,
          "acknowledgement of the wrong type for packet id " + packetId + " (" + phase + ")");
    }
    return wrong;
  }
}
