package dev.switchboard.broker.session;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A session's subscriptions by filter key, kept in the broker's subscription index (where
 * publishers find the session) and, while the session is persistent, in the store. Touched only on
 * the session's loop.
 */
final class SessionSubscriptions {
  private final Session session;
  private final SubscriptionIndex<Subscriber> index;

  /** Where a persistent session's state is written; null when the broker keeps memory only. */
  private final Journal journal;

  private final Map<String, SubscriptionEntry> entries = new HashMap<>();

  SessionSubscriptions(Session session, BrokerServices broker) {
    this.session = session;
    this.index = broker.subscriptions();
    this.journal = broker.journal();
  }

  /** See {@link Session#subscribe}. */
  boolean subscribe(SubscriptionEntry entry) {
    if (session.isPersistent()) {
      // Stored before it is indexed: a publisher that finds it stores after it
      journal.append(
          new Change.PutSubscription(StoredForms.subscription(session.clientId(), entry)));
    }
    SubscriptionEntry old = entries.put(entry.filterKey(), entry);
    if (old == null) {
      if (entry.isShared()) {
        index.subscribeShared(session, entry.shareName(), entry.filter());
      } else {
        index.subscribe(session, entry.filter());
      }
    }
    return old != null;
  }

  /** See {@link Session#unsubscribe}. */
  boolean unsubscribe(String filterKey) {
    SubscriptionEntry old = entries.remove(filterKey);
    if (old != null) {
      unindex(old);
      if (session.isPersistent()) {
        journal.append(new Change.DeleteSubscription(session.clientId(), filterKey));
      }
    }
    return old != null;
  }

  /**
   * Puts {@code entry} in place of the subscription with its filter key, for a new guard: neither
   * indexed nor stored again (the guard is not stored). False when there is no such subscription.
   */
  boolean replaceGuard(String filterKey, SubscriptionEntry entry) {
    return entries.replace(filterKey, entry) != null;
  }

  Collection<SubscriptionEntry> all() {
    return entries.values();
  }

  /** The subscription with filter {@code filterKey}, or null. */
  SubscriptionEntry get(String filterKey) {
    return entries.get(filterKey);
  }

  /** The session ended: out of the index (its stored rows go with the stored session). */
  void clear() {
    for (SubscriptionEntry e : entries.values()) {
      unindex(e);
    }
    entries.clear();
  }

  private void unindex(SubscriptionEntry e) {
    if (e.isShared()) {
      index.unsubscribeShared(session, e.shareName(), e.filter());
    } else {
      index.unsubscribe(session, e.filter());
    }
  }
}
