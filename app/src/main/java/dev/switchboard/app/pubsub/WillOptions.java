package dev.switchboard.app.pubsub;

import dev.switchboard.client.SessionBuilder;
import dev.switchboard.mqtt.topic.Topics;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** The flags of pub and sub that give the client a will (--will-topic and the rest). */
final class WillOptions {
  @Option(names = "--will-topic", paramLabel = "TOPIC", description = "The topic of the will.")
  String willTopic;

  @Option(
      names = "--will-payload",
      paramLabel = "PAYLOAD",
      description = "The payload of the will (default empty).")
  String willPayload;

  @Option(
      names = "--will-qos",
      paramLabel = "QOS",
      description = "The QoS of the will (default 0).")
  Integer willQos;

  @Option(names = "--will-retain", description = "The will is retained.")
  boolean willRetain;

  /** Whether a will is asked for. */
  boolean given() {
    return willTopic != null;
  }

  /** Checks that the will's flags come with a topic, a valid one, and a valid QoS. */
  void check() throws UsageError {
    if (willTopic == null) {
      if (willPayload != null) {
        throw new UsageError("Will payload given, but no will topic given.");
      }
      if (willQos != null) {
        throw new UsageError("Will QoS given, but no will topic given.");
      }
      if (willRetain) {
        throw new UsageError("Will retain given, but no will topic given.");
      }
      return;
    }
    if (!Topics.isValidName(willTopic)) {
      throw new UsageError("Invalid will topic '" + willTopic + "', does it contain '+' or '#'?");
    }
    if (willQos != null && (willQos < 0 || willQos > 2)) {
      throw new UsageError("Invalid will QoS " + willQos + ".");
    }
  }

  /** Gives the session the will, when one is asked for. */
  void applyTo(SessionBuilder s) {
    if (willTopic != null) {
      s.lastWill(
          willTopic,
          willPayload == null ? new byte[0] : willPayload.getBytes(StandardCharsets.UTF_8),
          willQos == null ? 0 : willQos,
          willRetain);
    }
  }
}
