package dev.switchboard.broker.session;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions by client id. Connecting goes through here so that two connections with one client id
 * meet on the existing session's loop, where the later one takes over [MQTT-3.1.4-3].
 */
public final class SessionRegistry implements SessionOwnership {
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private BrokerServices broker;

  /** Set once by the broker before the first connection. */
  public void bind(BrokerServices services) {
    this.broker = services;
  }

  /**
   * Finds or makes the session for {@code clientId} and attaches {@code conn} to it on the right
   * loop. May be called from any thread.
   */
  @Override
  public void connect(SessionConnection conn, String clientId, boolean cleanStart) {
    while (true) {
      Session existing = sessions.get(clientId);
      if (existing != null) {
        existing.execute(() -> existing.takeOver(conn, cleanStart));
        return;
      }
      Session fresh = new Session(clientId, conn.eventLoop(), broker);
      // Set before the session is published: a takeover that finds it before the attach below
      // has run attaches this connection first, then takes it over.
      fresh.prepareJoin(conn);
      if (sessions.putIfAbsent(clientId, fresh) == null) {
        fresh.execute(fresh::completeJoin);
        return;
      }
    }
  }

  /** A session rebuilt from the store at start, before anyone connects. */
  public void restored(Session session) {
    sessions.put(session.clientId(), session);
  }

  void remove(Session session) {
    sessions.remove(session.clientId(), session);
  }

  public Session get(String clientId) {
    return sessions.get(clientId);
  }

  public Collection<Session> all() {
    return sessions.values();
  }

  public int size() {
    return sessions.size();
  }
}
