package dev.switchboard.broker.session;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import java.util.HashSet;
import java.util.Set;

/**
 * A session's QoS 2 receive state: the packet ids of QoS 2 PUBLISHes received from its client and
 * not yet released by PUBREL, so that a duplicate is not routed twice. Touched only on the
 * session's loop.
 */
final class AwaitingPubrel {
  private final Session session;

  /** Where a persistent session's state is written; null when the broker keeps memory only. */
  private final Journal journal;

  /** Null until the first one. */
  private Set<Integer> ids;

  AwaitingPubrel(Session session, BrokerServices broker) {
    this.session = session;
    this.journal = broker.journal();
  }

  boolean contains(int packetId) {
    return ids != null && ids.contains(packetId);
  }

  void add(int packetId) {
    if (ids == null) {
      ids = new HashSet<>();
    }
    ids.add(packetId);
  }

  /** See {@link Session#release}. */
  boolean release(int packetId) {
    if (session.isPersistent()) {
      journal.append(new Change.ReleasePubrel(session.clientId(), packetId));
    }
    return ids != null && ids.remove(packetId);
  }

  /** Forgets {@code packetId} in memory only. */
  void forget(int packetId) {
    if (ids != null) {
      ids.remove(packetId);
    }
  }

  int count() {
    return ids == null ? 0 : ids.size();
  }

  void clear() {
    ids = null;
  }
}
