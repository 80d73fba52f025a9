package dev.switchboard.broker.routing;

import dev.switchboard.broker.message.Message;

/**
 * Somewhere a PUBLISH goes besides the sessions of this node: the cluster adds one, which forwards
 * to each other node what that node's subscriptions match (one target for all of them, because a
 * shared subscription group must be given to exactly one node per message). The {@link Router}
 * offers every message it routes (not {@code $SYS} messages, which are this node's own figures, and
 * not messages a target brought in from elsewhere, which {@link Router#deliverLocally} delivers) to
 * every target, after the local sessions have their copies.
 */
public interface RouteTarget {
  /**
   * Takes {@code message}, published on this node. Called on the publisher's event loop (or the
   * thread that published a will): it must not block; a target that sends over a network queues the
   * message and returns.
   *
   * @return how many subscribers the message is going to through this target, as far as the target
   *     knows (0 when it matches nothing there): MQTT 5's "no matching subscribers" acknowledgement
   *     counts them
   */
  int route(Message message);

  /**
   * As {@link #route(Message)}, for a message whose publisher waits for its acknowledgement (a
   * client's QoS 1/2 PUBLISH): a target that sends copies beyond this node takes a hold on {@code
   * acknowledgement} for each ({@link PublisherAcknowledgement#hold()}, during this call) and
   * releases it once the copy is safe there, so that the publisher's PUBACK or PUBREC waits for it.
   * A target that keeps nothing for anyone need not override this.
   */
  default int route(Message message, PublisherAcknowledgement acknowledgement) {
    return route(message);
  }
}
