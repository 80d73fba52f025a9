package dev.switchboard.broker.auth;

/**
 * The topics a granted subscription may deliver, when that is fewer than its filter matches: a
 * wildcard subscription that a narrower deny rule cuts into (a {@code #} beside "deny subscribe
 * {@code test/secret}") is granted, and the denied topics are left out of what it delivers,
 * retained messages included. Called on the subscriber's event loop for every message such a
 * subscription matches: it must not block.
 */
@FunctionalInterface
public interface TopicGuard {
  /** Whether a message published to {@code topic} may go to this subscription. */
  boolean allows(String topic);
}
