package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Hubs;

/**
 * One change to a {@link DurableStore}; a transaction is a list of them, applied in order. What a
 * session owns is keyed by its hub and client id; a retained message by its hub and topic. Each
 * change has a constructor without the hub, for the default hub's.
 */
public sealed interface Change {

  /**
   * Inserts or replaces a session (its subscriptions and messages are left as they are). A session
   * inserted is held by {@code node}; one replaced keeps its holder ({@link HoldSession} moves it).
   *
   * @param node the cluster node that holds it (its {@code node-name}); null on a single broker
   */
  record PutSession(StoredSession session, String node) implements Change {
    /** A session of a single broker, held by no node in particular. */
    public PutSession(StoredSession session) {
      this(session, null);
    }
  }

  /**
   * Makes {@code node} the holder of a stored session (nothing if it is not stored): the cluster
   * node that restores it at start, and the only one that writes its rows from then on.
   */
  record HoldSession(String clientId, String hub, String node) implements Change {}

  /**
   * Deletes a session with everything that is its own: subscriptions, messages, QoS 2 packet ids.
   */
  record DeleteSession(String clientId, String hub) implements Change {
    public DeleteSession(String clientId) {
      this(clientId, Hubs.DEFAULT);
    }
  }

  /** Inserts or replaces a subscription, keyed by (clientId, filterKey). */
  record PutSubscription(StoredSubscription subscription) implements Change {}

  record DeleteSubscription(String clientId, String filterKey, String hub) implements Change {
    public DeleteSubscription(String clientId, String filterKey) {
      this(clientId, filterKey, Hubs.DEFAULT);
    }
  }

  /** Inserts a message for a session (or replaces the one with the same clientId and seq). */
  record PutMessage(QueuedMessage message) implements Change {}

  /** Sets the packet id and phase of a message; nothing if it is gone. */
  record UpdateMessage(String clientId, long seq, int packetId, int phase, String hub)
      implements Change {
    public UpdateMessage(String clientId, long seq, int packetId, int phase) {
      this(clientId, seq, packetId, phase, Hubs.DEFAULT);
    }
  }

  record DeleteMessage(String clientId, long seq, String hub) implements Change {
    public DeleteMessage(String clientId, long seq) {
      this(clientId, seq, Hubs.DEFAULT);
    }
  }

  /** A QoS 2 packet id received from a client and not yet released (inserted if absent). */
  record AwaitPubrel(String clientId, int packetId, String hub) implements Change {
    public AwaitPubrel(String clientId, int packetId) {
      this(clientId, packetId, Hubs.DEFAULT);
    }
  }

  record ReleasePubrel(String clientId, int packetId, String hub) implements Change {
    public ReleasePubrel(String clientId, int packetId) {
      this(clientId, packetId, Hubs.DEFAULT);
    }
  }

  /** Sets or replaces the retained message of its topic. */
  record PutRetained(StoredMessage message) implements Change {}

  record DeleteRetained(String topic, String hub) implements Change {
    public DeleteRetained(String topic) {
      this(topic, Hubs.DEFAULT);
    }
  }

  /**
   * Deletes everything of a hub that was removed: its sessions with all they own, and its retained
   * messages.
   */
  record DeleteHub(String hub) implements Change {
    public DeleteHub {
      if (Hubs.isDefault(hub)) {
        throw new IllegalArgumentException("the default hub is never deleted");
      }
    }
  }

  /**
   * Appends a message to a message log (created on first use), then drops the log's oldest entries
   * past its limits. Committed in the publisher's unit, it is in the log once the publisher is
   * acknowledged.
   */
  record AppendToLog(LogEntry entry) implements Change {}
}
