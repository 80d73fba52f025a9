package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.mqtt.topic.SharedSubscription;
import java.util.concurrent.TimeUnit;

/**
 * Conversions between the broker's objects and their stored form. Expiry times are kept on the wall
 * clock in the store ({@link System#nanoTime()} means nothing after a restart).
 */
public final class Stored {
  private Stored() {}

  public static StoredMessage message(Message m) {
    long expiresAt = 0;
    if (m.expiresAtNanos() != Message.NEVER) {
      long leftNanos = m.expiresAtNanos() - System.nanoTime();
      expiresAt =
          Math.max(1, System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(leftNanos));
    }
    return new StoredMessage(
        m.topic(),
        m.payload(),
        m.qos(),
        m.retain(),
        PropertiesBlob.encode(m.properties()),
        m.publisherId(),
        expiresAt);
  }

  public static Message message(StoredMessage s) {
    long expiresAt = Message.NEVER;
    if (s.expiresAtMillis() != 0) {
      long leftMillis = s.expiresAtMillis() - System.currentTimeMillis();
      expiresAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leftMillis);
    }
    return new Message(
        s.topic(),
        s.payload(),
        s.qos(),
        s.retain(),
        PropertiesBlob.decode(s.properties()),
        s.publisherId(),
        expiresAt);
  }

  public static StoredWill will(PendingWill w) {
    return w == null
        ? null
        : new StoredWill(message(w.message()), w.delaySeconds(), w.messageExpirySeconds());
  }

  public static PendingWill will(StoredWill w) {
    return w == null
        ? null
        : new PendingWill(message(w.message()), w.delaySeconds(), w.messageExpirySeconds());
  }

  public static StoredSubscription subscription(String clientId, SubscriptionEntry e) {
    return new StoredSubscription(
        clientId,
        e.filterKey(),
        e.qos(),
        e.noLocal(),
        e.retainAsPublished(),
        e.retainHandling(),
        e.subscriptionId());
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
