package dev.switchboard.broker.session;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's subscriptions by filter key, kept in the broker's subscription index (where
 * publishers find the session) and, while the session is persistent, in the store. Made by the
 * session at its first subscription. Touched only on the session's loop.
 *
 * <p>Most devices subscribe to one filter: that one is a field of its own, and a map is made only
 * for a second (every byte of a session is multiplied by the number of connections; the index and
 * the journal are reached through the session for the same reason).
 */
final class SessionSubscriptions {
  private final Session session;

  /** The subscription while there is exactly one and no map; null otherwise. */
  private SubscriptionEntry only;

  /** Every subscription, once there have been two at once; null until then. */
  private Map<String, SubscriptionEntry> many;

  SessionSubscriptions(Session session) {
    this.session = session;
  }

  /** See {@link Session#subscribe}. */
  boolean subscribe(SubscriptionEntry entry) {
    if (session.isPersistent()) {
      // Stored before it is indexed: a publisher that finds it stores after it
      session
          .broker()
          .journal()
          .append(
              new Change.PutSubscription(
                  StoredForms.subscription(session.hub(), session.clientId(), entry)));
    }
    SubscriptionEntry old = put(entry);
    if (old == null) {
      SubscriptionIndex<Subscriber> index =
          session.broker().spaces().of(session.hub()).subscriptions();
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
    SubscriptionEntry old = remove(filterKey);
    if (old != null) {
      unindex(old);
      if (session.isPersistent()) {
        session
            .broker()
            .journal()
            .append(new Change.DeleteSubscription(session.clientId(), filterKey, session.hub()));
      }
    }
    return old != null;
  }

  /**
   * Puts {@code entry} in place of the subscription with its filter key, for a new guard: neither
   * indexed nor stored again (the guard is not stored). False when there is no such subscription.
   */
  boolean replaceGuard(String filterKey, SubscriptionEntry entry) {
    if (many != null) {
      return many.replace(filterKey, entry) != null;
    }
    if (only != null && only.filterKey().equals(filterKey)) {
      only = entry;
      return true;
    }
    return false;
  }

  Collection<SubscriptionEntry> all() {
    if (many != null) {
      return many.values();
    }
    return only == null ? List.of() : List.of(only);
  }

  /** The subscription with filter {@code filterKey}, or null. */
  SubscriptionEntry get(String filterKey) {
    if (many != null) {
      return many.get(filterKey);
    }
    return only != null && only.filterKey().equals(filterKey) ? only : null;
  }

  /** The session ended: out of the index (its stored rows go with the stored session). */
  void clear() {
    for (SubscriptionEntry e : all()) {
      unindex(e);
    }
    only = null;
    many = null;
  }

  /**
   * Adds or replaces the subscription with {@code entry}'s filter key; returns the one replaced.
   */
  private SubscriptionEntry put(SubscriptionEntry entry) {
    if (many != null) {
      return many.put(entry.filterKey(), entry);
    }
    if (only == null) {
      only = entry;
      return null;
    }
    if (only.filterKey().equals(entry.filterKey())) {
      SubscriptionEntry old = only;
      only = entry;
      return old;
    }
    many = new HashMap<>();
    many.put(only.filterKey(), only);
    many.put(entry.filterKey(), entry);
    only = null;
    return null;
  }

  private SubscriptionEntry remove(String filterKey) {
    if (many != null) {
      return many.remove(filterKey);
    }
    SubscriptionEntry old = get(filterKey);
    if (old != null) {
      only = null;
    }
    return old;
  }

  private void unindex(SubscriptionEntry e) {
    SubscriptionIndex<Subscriber> index =
        session.broker().spaces().of(session.hub()).subscriptions();
    if (e.isShared()) {
      index.unsubscribeShared(session, e.shareName(), e.filter());
    } else {
      index.unsubscribe(session, e.filter());
    }
  }
}
