package dev.switchboard.broker.session;

import dev.switchboard.broker.persist.Stored;
import dev.switchboard.broker.persist.StoredSubscription;
import dev.switchboard.broker.persist.StoredWill;
import dev.switchboard.mqtt.topic.SharedSubscription;

/**
 * Conversions between a session's objects (its will, its subscriptions) and their stored form. They
 * live here, not in {@code persist}, so that the store's records know nothing of sessions: {@code
 * session} imports {@code persist}, never the other way round. Messages are converted by {@link
 * Stored}.
 */
public final class StoredForms {
  private StoredForms() {}

  public static StoredWill will(PendingWill w) {
    return w == null
        ? null
        : new StoredWill(Stored.message(w.message()), w.delaySeconds(), w.messageExpirySeconds());
  }

  public static PendingWill will(StoredWill w) {
    return w == null
        ? null
        : new PendingWill(Stored.message(w.message()), w.delaySeconds(), w.messageExpirySeconds());
  }

  public static StoredSubscription subscription(String hub, String clientId, SubscriptionEntry e) {
    return new StoredSubscription(
        clientId,
        e.filterKey(),
        e.qos(),
        e.noLocal(),
        e.retainAsPublished(),
        e.retainHandling(),
        e.subscriptionId(),
        hub);
  }

  /** The entry of a stored subscription; null when its filter key is no longer valid. */
  public static SubscriptionEntry subscription(StoredSubscription s) {
    String key = s.filterKey();
    String filter = key;
    String shareName = null;
    if (SharedSubscription.isShared(key)) {
      SharedSubscription shared = SharedSubscription.parse(key);
      if (shared == null) {
        return null;
      }
      shareName = shared.group();
      filter = shared.filter();
    }
    return new SubscriptionEntry(
        key,
        filter,
        shareName,
        s.qos(),
        s.noLocal(),
        s.retainAsPublished(),
        s.retainHandling(),
        s.subscriptionId());
  }
}
