package dev.switchboard.mqtt.codec;

import dev.switchboard.mqtt.ReasonCode;

/**
 * Thrown inside the decoder when a packet breaks the protocol; {@link MqttDecoder} turns it into a
 * {@link DecodeError} and never lets it reach the pipeline. It carries no stack trace because a
 * peer can provoke it at will and the reason code and message say all there is to say.
 */
final class DecodeException extends RuntimeException {
  private final int reasonCode;

  DecodeException(int reasonCode, String message) {
    super(message, null, false, false);
    this.reasonCode = reasonCode;
  }

  static DecodeException malformed(String message) {
    return new DecodeException(ReasonCode.MALFORMED_PACKET, message);
  }

  static DecodeException protocolError(String message) {
    return new DecodeException(ReasonCode.PROTOCOL_ERROR, message);
  }

  int reasonCode() {
    return reasonCode;
  }
}
