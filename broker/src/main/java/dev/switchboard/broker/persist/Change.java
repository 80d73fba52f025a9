package dev.switchboard.broker.persist;

/** One change to a {@link DurableStore}; a transaction is a list of them, applied in order. */
public sealed interface Change {

  /** Inserts or replaces a session (its subscriptions and messages are left as they are). */
  record PutSession(StoredSession session) implements Change {}

  /**
   * Deletes a session with everything that is its own: subscriptions, messages, QoS 2 packet ids.
   */
  record DeleteSession(String clientId) implements Change {}

  /** Inserts or replaces a subscription, keyed by (clientId, filterKey). */
  record PutSubscription(StoredSubscription subscription) implements Change {}

  record DeleteSubscription(String clientId, String filterKey) implements Change {}

  /** Inserts a message for a session (or replaces the one with the same clientId and seq). */
  record PutMessage(QueuedMessage message) implements Change {}

  /** Sets the packet id and phase of a message; nothing if it is gone. */
  record UpdateMessage(String clientId, long seq, int packetId, int phase) implements Change {}

  record DeleteMessage(String clientId, long seq) implements Change {}

  /** A QoS 2 packet id received from a client and not yet released (inserted if absent). */
  record AwaitPubrel(String clientId, int packetId) implements Change {}

  record ReleasePubrel(String clientId, int packetId) implements Change {}

  /** Sets or replaces the retained message of its topic. */
  record PutRetained(StoredMessage message) implements Change {}

  record DeleteRetained(String topic) implements Change {}
}
