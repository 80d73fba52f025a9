package dev.switchboard.broker;

import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.mqtt.LogSafe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removing a hub from a running broker ({@link Broker#discardHub}): each of its sessions is
 * discarded on its own loop (its connection ended with the reason given, no will, its stored state
 * deleted), then its topic space goes, and its rows in the store.
 */
final class HubDiscard {
  private static final Logger log = LoggerFactory.getLogger(HubDiscard.class);

  private final SessionRegistry sessions;
  private final TopicSpaces spaces;
  private final Journal journal;

  /**
   * @param journal null without a store
   */
  HubDiscard(SessionRegistry sessions, TopicSpaces spaces, Journal journal) {
    this.sessions = sessions;
    this.spaces = spaces;
    this.journal = journal;
  }

  /**
   * Discards {@code hub}; completes once its sessions have ended and, with a store, once the
   * deletion of its rows is committed.
   *
   * @throws IllegalArgumentException for the default hub, which is never removed
   */
  CompletableFuture<Void> discard(String hub, int reasonCode, String why) {
    if (Hubs.isDefault(hub)) {
      throw new IllegalArgumentException("the default hub is never removed");
    }
    List<CompletableFuture<Void>> ending = new ArrayList<>();
    for (Session session : sessions.all()) {
      if (hub.equals(session.hub())) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        session.discard(reasonCode, why);
        session.execute(() -> ended.complete(null)); // after the discard, on the same loop
        ending.add(ended);
      }
    }
    // Once its sessions have ended nothing of the hub writes any more: its space and its rows go.
    // Done when the rows' deletion is committed (strict durability), so that what a caller reads
    // from the store next is without them.
    return CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
        .thenCompose(
            ended -> {
              TopicSpaces.Space gone = spaces.remove(hub);
              log.info(
                  "hub {} discarded: {} sessions, {} retained messages ({})",
                  LogSafe.text(hub),
                  ending.size(),
                  gone == null ? 0 : gone.retained().size(),
                  LogSafe.text(why));
              CompletableFuture<Void> committed = new CompletableFuture<>();
              if (journal == null) {
                committed.complete(null);
                return committed;
              }
              journal.append(new Change.DeleteHub(hub));
              journal.whenCommitted(
                  new Journal.Completion() {
                    @Override
                    public void committed() {
                      committed.complete(null);
                    }

                    @Override
                    public void failed(StoreException e) {
                      committed.completeExceptionally(e);
                    }
                  });
              return committed;
            });
  }
}
