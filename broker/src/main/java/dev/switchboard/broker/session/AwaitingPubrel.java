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
public final class AwaitingPubrel {
  private final Session session;

  /** Where a persistent session's state is written; null when the broker keeps memory only. */
  private final Journal journal;

  /** Null until the first one. */
  private Set<Integer> ids;

  AwaitingPubrel(Session session, BrokerServices broker) {
    this.session = session;
    this.journal = broker.journal();
  }

  /** True if a QoS 2 PUBLISH with this id was received and not yet released (a duplicate). */
  public boolean contains(int packetId) {
    return ids != null && ids.contains(packetId);
  }

  /** The PUBREC for {@code packetId} goes out: the id is held until its PUBREL. */
  public void add(int packetId) {
    if (ids == null) {
      ids = new HashSet<>();
    }
    ids.add(packetId);
  }

  /**
   * PUBREL from the client; returns false when the id was unknown. The stored id goes too (even an
   * unknown one: it may be on disk from a commit that failed after memory let it go).
   */
  public boolean release(int packetId) {
    if (session.isPersistent()) {
      journal.append(new Change.ReleasePubrel(session.clientId(), packetId));
    }
    return ids != null && ids.remove(packetId);
  }

  /**
   * Forgets {@code packetId} in memory only: a QoS 2 PUBLISH whose PUBREC could not be given after
   * all (its commit failed).
   */
  public void forget(int packetId) {
    if (ids != null) {
      ids.remove(packetId);
    }
  }

  /** The ids held: a client may hold no more than its Receive Maximum [MQTT-3.3.4-9]. */
  public int count() {
    return ids == null ? 0 : ids.size();
  }

  void clear() {
    ids = null;
  }
}
