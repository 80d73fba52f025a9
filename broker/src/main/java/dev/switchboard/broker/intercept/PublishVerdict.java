package dev.switchboard.broker.intercept;

import dev.switchboard.broker.message.Message;
import dev.switchboard.mqtt.ReasonCode;
import java.util.Objects;

/**
 * What a {@link PublishInterceptor} decided: let the message pass as it is, pass another message in
 * its place, or refuse it.
 */
public sealed interface PublishVerdict {

  /** Let the message go on as it is. */
  static PublishVerdict pass() {
    return Pass.INSTANCE;
  }

  /**
   * Let {@code message} go on instead: another topic, payload, QoS (not above the one published),
   * retain flag or properties. The publisher's acknowledgement is not affected.
   */
  static PublishVerdict replace(Message message) {
    return new Replace(message);
  }

  /**
   * Refuse the message: nothing is routed. An MQTT 5 publisher's PUBACK or PUBREC carries {@code
   * reasonCode} and, if it asked for problem information, {@code reason}; a 3.1.1 publisher, whose
   * acknowledgements have no reason codes, is acknowledged as for a message it may not publish (and
   * a QoS 0 message is dropped silently, in both versions).
   *
   * @param reasonCode an error a PUBACK may carry: 0x80 unspecified error, 0x83 implementation
   *     specific error, 0x87 not authorized, 0x90 topic name invalid, 0x97 quota exceeded or 0x99
   *     payload format invalid
   * @throws IllegalArgumentException for any other code
   */
  static PublishVerdict refuse(int reasonCode, String reason) {
    return new Refuse(reasonCode, reason);
  }

  /**
   * Refuse the message as {@link #refuse} does, and end the publisher's connection instead of
   * acknowledging it: DISCONNECT with {@code reasonCode} in 5.0, closed in 3.1.x (a quota whose
   * device is to be disconnected at its limit). The HTTP device API ends the login.
   */
  static PublishVerdict refuseAndDisconnect(int reasonCode, String reason) {
    return new Refuse(reasonCode, reason, true);
  }

  /** The message goes on as it is. */
  final class Pass implements PublishVerdict {
    static final Pass INSTANCE = new Pass();

    private Pass() {}

    @Override
    public String toString() {
      return "pass";
    }
  }

  /** Another message goes on in place of the one published. */
  record Replace(Message message) implements PublishVerdict {
    public Replace {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Nothing goes on; the publisher hears {@code reasonCode} where its version allows, or, when
   * {@code disconnect}, its connection is ended with it.
   */
  record Refuse(int reasonCode, String reason, boolean disconnect) implements PublishVerdict {
    public Refuse(int reasonCode, String reason) {
      this(reasonCode, reason, false);
    }

    public Refuse {
      switch (reasonCode) {
        case ReasonCode.UNSPECIFIED_ERROR,
            ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
            ReasonCode.NOT_AUTHORIZED,
            ReasonCode.TOPIC_NAME_INVALID,
            ReasonCode.QUOTA_EXCEEDED,
            ReasonCode.PAYLOAD_FORMAT_INVALID -> {}
        default ->
            throw new IllegalArgumentException(
                "a PUBLISH cannot be refused with reason code 0x"
                    + Integer.toHexString(reasonCode)
                    + "; use 0x80, 0x83, 0x87, 0x90, 0x97 or 0x99");
      }
    }
  }
}
