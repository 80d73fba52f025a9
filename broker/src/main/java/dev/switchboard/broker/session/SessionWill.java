package dev.switchboard.broker.session;

/**
 * The Will Message a session holds, and whether the broker's {@link WillKeeper} was told of it: a
 * will that would die with the node (its session ends with its connection) is kept there from the
 * moment its connection attaches until the session lets go of it ({@link #letGo}), published or
 * not. Made only for a connection that has a will; touched on the session's loop only.
 */
final class SessionWill {
  private final PendingWill pending;
  private final boolean kept;

  private SessionWill(PendingWill pending, boolean kept) {
    this.pending = pending;
    this.kept = kept;
  }

  /**
   * The will {@code session}'s new connection brought, or null for none; told to the keeper when
   * the session ends with its connection ({@code endsWithConnection}).
   */
  static SessionWill attached(Session session, PendingWill will, boolean endsWithConnection) {
    if (will == null) {
      return null;
    }
    if (endsWithConnection) {
      // the store does not keep it, so a node's death would lose it
      session.broker().wills().holds(session.hub(), session.clientId(), will);
    }
    return new SessionWill(will, endsWithConnection);
  }

  /** A will read back from the store: a persistent session's, which the keeper is not told of. */
  static SessionWill stored(PendingWill will) {
    return will == null ? null : new SessionWill(will, false);
  }

  PendingWill pending() {
    return pending;
  }

  /** The session is done with it (published, dropped, moved, or the node is stopping). */
  void letGo(Session session) {
    if (kept) {
      session.broker().wills().released(session.hub(), session.clientId());
    }
  }
}
