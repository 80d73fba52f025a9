package dev.switchboard.broker.routing;

/**
 * Told, on the publisher's loop, of the subscribers whose mailboxes a publish filled past their
 * bound: the publisher's connection stops reading until {@link Subscriber#whenRoom} says there is
 * room, so that publishers that outrun a subscriber's event loop are slowed rather than losing
 * messages.
 */
@FunctionalInterface
public interface Backpressure {
  void subscriberFull(Subscriber subscriber);
}
