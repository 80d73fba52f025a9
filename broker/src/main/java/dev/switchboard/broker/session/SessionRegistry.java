package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Hubs;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions by hub and client id: {@code device_1} in two hubs are two sessions. Connecting goes
 * through here so that two connections with one client id in one hub meet on the existing session's
 * loop, where the later one takes over [MQTT-3.1.4-3].
 */
public final class SessionRegistry implements SessionOwnership {
  /** By {@link SessionKey}: the client id itself for the default hub's sessions. */
  private final ConcurrentHashMap<Object, Session> sessions = new ConcurrentHashMap<>();

  private BrokerServices broker;

  /** Set once by the broker before the first connection. */
  public void bind(BrokerServices services) {
    this.broker = services;
  }

  /**
   * Finds or makes the session for {@code clientId} in {@code hub} and attaches {@code conn} to it
   * on the right loop. May be called from any thread.
   */
  @Override
  public void connect(SessionConnection conn, String hub, String clientId, boolean cleanStart) {
    Object key = SessionKey.of(hub, clientId);
    while (true) {
      Session existing = sessions.get(key);
      if (existing != null) {
        existing.execute(() -> existing.takeOver(conn, cleanStart));
        return;
      }
      Session fresh = new Session(hub, clientId, conn.eventLoop(), broker);
      // Set before the session is published: a takeover that finds it before the attach below
      // has run attaches this connection first, then takes it over.
      fresh.prepareJoin(conn);
      if (sessions.putIfAbsent(key, fresh) == null) {
        fresh.execute(fresh::completeJoin);
        return;
      }
    }
  }

  /** A session rebuilt from the store at start, before anyone connects. */
  public void restored(Session session) {
    sessions.put(SessionKey.of(session.hub(), session.clientId()), session);
  }

  /**
   * A session taken over from another cluster node, rebuilt from the store; false (and not added)
   * when this node has a session of that id already.
   */
  boolean adopted(Session session) {
    return sessions.putIfAbsent(SessionKey.of(session.hub(), session.clientId()), session) == null;
  }

  void remove(Session session) {
    sessions.remove(SessionKey.of(session.hub(), session.clientId()), session);
  }

  /** The session of {@code clientId} in {@code hub}; null if none. */
  public Session get(String hub, String clientId) {
    return sessions.get(SessionKey.of(hub, clientId));
  }

  /** The session of {@code clientId} in the default hub; null if none. */
  public Session get(String clientId) {
    return get(Hubs.DEFAULT, clientId);
  }

  public Collection<Session> all() {
    return sessions.values();
  }

  public int size() {
    return sessions.size();
  }
}
