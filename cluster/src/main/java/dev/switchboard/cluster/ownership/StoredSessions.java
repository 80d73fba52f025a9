package dev.switchboard.cluster.ownership;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoredState;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Moves persistent sessions to this node through the store every node shares: the session of a
 * client id another node held (its client came back here), or every session of a node that died.
 * The store is read, and the sessions rebuilt, on a virtual thread of their own: never on the
 * ownership agent's thread or an event loop. Without a store (durability none) nothing is moved.
 */
final class StoredSessions {
  private final Broker broker;

  StoredSessions(Broker broker) {
    this.broker = broker;
  }

  /** Whether sessions are kept in a store at all. */
  boolean kept() {
    return broker.journal() != null;
  }

  /**
   * Rebuilds the stored session of {@code clientId} in {@code hub} here and makes this node its
   * holder; completes with how many sessions came (0 when none is stored, or this node has one).
   */
  CompletableFuture<Integer> takeOver(String hub, String clientId) {
    return inBackground(
        "session-takeover",
        () -> {
          StoredState state = journal().store().loadSession(hub, clientId);
          if (state.sessions().isEmpty()
              && !(state.subscriptions().isEmpty()
                  && state.messages().isEmpty()
                  && state.awaitingPubrel().isEmpty())) {
            // rows of a session that ended (a crash between two commits): not the new session's
            forget(hub, clientId);
          }
          return rebuild(state);
        });
  }

  /** Rebuilds here every session the store says {@code node} holds; completes with how many. */
  CompletableFuture<Integer> adopt(String node) {
    return inBackground("session-adoption", () -> rebuild(journal().store().loadSessionsOf(node)));
  }

  /**
   * A clean start here of a client id whose session another node may have stored: its rows go
   * before the new session's are written (the journal keeps that order).
   */
  void forget(String hub, String clientId) {
    journal().append(new Change.DeleteSession(clientId, hub));
  }

  private Journal journal() {
    return broker.journal();
  }

  private int rebuild(StoredState state) {
    return state.sessions().isEmpty() ? 0 : broker.takeOverStored(state).size();
  }

  private static CompletableFuture<Integer> inBackground(String name, Supplier<Integer> work) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .name(name)
        .start(
            () -> {
              try {
                done.complete(work.get());
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
    return done;
  }
}
