package dev.switchboard.cluster.wire;

import dev.switchboard.broker.message.Message;
import java.util.Objects;
import java.util.Set;

/**
 * One message forwarded to another node.
 *
 * @param seq its number in the stream from the origin node to this destination when the destination
 *     must acknowledge it (QoS 1/2, or retained), from 1 without gaps; 0 for a QoS 0 message, sent
 *     at most once
 * @param message the message; its expiry crosses as the time left, not as a clock reading
 * @param sharedGroups the shared subscription groups ({@code $share/g/f}) the destination serves
 *     with it: the origin picked one node per group
 */
public record ForwardedMessage(long seq, Message message, Set<String> sharedGroups) {
  public ForwardedMessage {
    Objects.requireNonNull(message, "message");
    sharedGroups = Set.copyOf(sharedGroups);
  }

  /** Whether the destination acknowledges it and the origin sends it again until it does. */
  public boolean acknowledged() {
    return seq != 0;
  }

  /** Bytes it takes in a batch, near enough (topic, payload and a fixed part). */
  public int weight() {
    return message.payload().length + 3 * message.topic().length() + 96;
  }
}
