package dev.switchboard.cluster.wire;

import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages from one origin node to one destination node, in the order they were published there.
 *
 * @param origin the origin node's key (its unique address: a restarted node is a new origin)
 * @param replyTo where the destination acknowledges the batch's numbered messages: the origin's
 *     forwarder for this destination
 * @param messages the messages
 */
public record ForwardBatch(
    String origin, ActorRef<ForwardAck> replyTo, List<ForwardedMessage> messages)
    implements ClusterWireMessage {
  public ForwardBatch {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(replyTo, "replyTo");
    messages = List.copyOf(messages);
  }
}
