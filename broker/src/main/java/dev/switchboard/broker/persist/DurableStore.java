package dev.switchboard.broker.persist;

import java.util.List;

/**
 * Where the broker keeps what must survive a restart: persistent sessions, their subscriptions, the
 * QoS 1/2 messages queued and in flight for them, the packet ids of QoS 2 messages received and not
 * yet released, and retained messages. The {@code store} module implements it on SQLite and
 * PostgreSQL.
 *
 * <p>Single writer: the broker's {@link Journal} is the only caller of {@link #apply}, from one
 * thread. {@link #load} is called once, before the broker accepts connections.
 *
 * <p>In a cluster every node shares one store, and each stored session records the node that holds
 * it ({@link Change.PutSession#node()}, {@link Change.HoldSession}): a node restores only its own
 * ({@link #load(String)}), and one that takes a session over from another node reads that session
 * alone ({@link #loadSession}), at any time, from any thread but the journal's.
 */
public interface DurableStore extends AutoCloseable {

  /** Everything stored, for the broker to rebuild its state from. */
  StoredState load();

  /**
   * What a cluster node rebuilds at start: the sessions {@code node} holds, with their
   * subscriptions, messages and QoS 2 packet ids, and every retained message.
   */
  default StoredState load(String node) {
    throw new UnsupportedOperationException(describe() + " keeps no session holders");
  }

  /**
   * The sessions {@code node} holds, with their rows, and no retained messages: what a node adopts
   * from a node that died.
   */
  default StoredState loadSessionsOf(String node) {
    throw new UnsupportedOperationException(describe() + " keeps no session holders");
  }

  /**
   * One stored session with its rows and no retained messages; no sessions (and perhaps rows of a
   * session whose row is gone) when it is not stored.
   */
  default StoredState loadSession(String hub, String clientId) {
    throw new UnsupportedOperationException(describe() + " keeps no session holders");
  }

  /**
   * Applies {@code changes} in order, all or nothing, in one transaction, and returns only once it
   * is on disk (the store's fsync). A change that finds nothing to change (a delete of a row that
   * is not there, an update of a message already gone) is not an error. Throws {@link
   * StoreException} after rolling back when the transaction cannot be committed.
   */
  void apply(List<Change> changes);

  /** Gives space back to the file system and trims logs; called now and then by the broker. */
  void compact();

  /**
   * What and where the store is, for log lines and messages: {@code sqlite data/switchboard.db}.
   */
  String describe();

  @Override
  void close();
}
