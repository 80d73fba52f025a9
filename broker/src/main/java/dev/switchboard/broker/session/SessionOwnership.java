package dev.switchboard.broker.session;

/**
 * Who holds the session of a client id in a hub, and so where a CONNECT with that id is served: the
 * seam a cluster uses to make one node the owner of each client id, so that a takeover from another
 * node is ordered and two connections with one id never both stay connected. {@link
 * SessionRegistry} is the owner on a single node: every session is here.
 *
 * <p>An implementation that spans nodes claims the client id first (stopping a connection that
 * holds it elsewhere and bringing its session state here), then hands the connection to this node's
 * registry; when the claim cannot be made it refuses the connection with {@link
 * SessionConnection#identifierRejected()} or ends it.
 */
public interface SessionOwnership {
  /**
   * Finds or makes the session of {@code clientId} in {@code hub} (the hub of the connection's
   * principal; the same id in two hubs is two sessions) and attaches {@code conn} to it on the
   * right loop, taking it over from a connection that holds it [MQTT-3.1.4-3]. May be called from
   * any thread; the connection hears the outcome through {@link SessionConnection#attached} (or
   * {@link SessionConnection#identifierRejected}).
   */
  void connect(SessionConnection conn, String hub, String clientId, boolean cleanStart);
}
