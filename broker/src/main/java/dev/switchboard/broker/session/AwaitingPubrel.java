package dev.switchboard.broker.session;

import dev.switchboard.broker.persist.Change;
import java.util.HashSet;
import java.util.Set;

/**
 * A session's QoS 2 receive state: the packet ids of QoS 2 PUBLISHes received from its client and
 * not yet released by PUBREL, so that a duplicate is not routed twice. Made by the session when its
 * client first publishes at QoS 2. Touched only on the session's loop.
 */
public final class AwaitingPubrel {
  private final Session session;

  /** Null until the first one. */
  private Set<Integer> ids;

  AwaitingPubrel(Session session) {
    this.session = session;
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
      // the broker's journal, which a persistent session has
      session
          .broker()
          .journal()
          .append(new Change.ReleasePubrel(session.clientId(), packetId, session.hub()));
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
}
