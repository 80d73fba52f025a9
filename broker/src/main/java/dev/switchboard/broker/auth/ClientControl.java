package dev.switchboard.broker.auth;

import java.util.function.Predicate;

/**
 * What an administrator (the hub's registry, say) may do to connected clients: end the connections
 * a decision no longer allows, such as those of a device just disabled or removed.
 */
public interface ClientControl {

  /**
   * Ends, from the server's side, every connection whose authenticated client {@code which} picks:
   * DISCONNECT with {@code reasonCode} for 5.0 clients, then close; Wills are published as for any
   * loss. Returns at once; each connection is ended on its own event loop.
   */
  void disconnect(Predicate<ClientIdentity> which, int reasonCode, String why);
}
