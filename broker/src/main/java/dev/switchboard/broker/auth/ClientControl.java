package dev.switchboard.broker.auth;

import java.util.concurrent.CompletionStage;
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

  /**
   * Removes every trace of a hub that no longer exists: ends its connections with {@code
   * reasonCode} (no wills: the hub has nobody left to receive them), ends its sessions, persistent
   * ones included, drops its subscriptions, retained messages and topic space, and deletes all of
   * it from the store. Returns at once; the returned stage completes when it is done, and with
   * strict durability once the deletion is committed.
   *
   * @throws IllegalArgumentException for the default hub, which is never removed
   */
  CompletionStage<Void> discardHub(String hub, int reasonCode, String why);
}
