package dev.switchboard.broker.routing;

import dev.switchboard.broker.message.Message;

/**
 * Somewhere a PUBLISH goes besides the sessions of this node: the cluster adds one per other node,
 * which forwards what that node's subscriptions match. The {@link Router} offers every message it
 * routes (not {@code $SYS} messages, which are this node's own figures, and not messages a target
 * brought in from elsewhere, which {@link Router#deliverLocally} delivers) to every target, after
 * the local sessions have their copies.
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
}
