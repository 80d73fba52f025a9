package dev.switchboard.broker.routing;

/**
 * The acknowledgement the publisher of the message being routed waits for (a client's QoS 1/2
 * PUBLISH), given to the {@link RouteTarget}s with the message: a target whose copy must be safe
 * elsewhere before the publisher hears that it is safe takes a hold on it. Valid only during that
 * {@link RouteTarget#route(dev.switchboard.broker.message.Message, PublisherAcknowledgement)} call,
 * on the publisher's thread.
 */
@FunctionalInterface
public interface PublisherAcknowledgement {
  /**
   * Holds the publisher's acknowledgement until the returned hold is released (or failed) once; the
   * first call makes the hold, later calls (other destinations) add to it.
   */
  AcknowledgementHold hold();
}
