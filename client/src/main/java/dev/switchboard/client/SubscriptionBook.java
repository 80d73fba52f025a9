package dev.switchboard.client;

import dev.switchboard.mqtt.packet.Subscription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the client is subscribed to (the filters the broker granted, minus those unsubscribed since;
 * for the resubscribe extension), and what each SUBSCRIBE and UNSUBSCRIBE still waiting for its
 * acknowledgement asked. Guarded by the client's lock.
 */
final class SubscriptionBook {
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Map<Integer, List<Subscription>> pendingSubscribes = new LinkedHashMap<>();
  private final Map<Integer, List<String>> pendingUnsubscribes = new LinkedHashMap<>();

  /** SUBSCRIBE {@code msgId}, asking for {@code subs}, went to the outbox. */
  void subscribing(int msgId, List<Subscription> subs) {
    pendingSubscribes.put(msgId, subs);
  }

  /** UNSUBSCRIBE {@code msgId}, for {@code filters}, went to the outbox. */
  void unsubscribing(int msgId, List<String> filters) {
    pendingUnsubscribes.put(msgId, filters);
  }

  /** What SUBSCRIBE {@code msgId} asked for, now acknowledged; null when unknown. */
  List<Subscription> takeSubscribing(int msgId) {
    return pendingSubscribes.remove(msgId);
  }

  /** The broker granted {@code s}. */
  void subscribed(Subscription s) {
    subscriptions.put(s.filter(), s);
  }

  /** UNSUBSCRIBE {@code msgId} is acknowledged: its filters are no longer subscribed. */
  void unsubscribed(int msgId) {
    List<String> filters = pendingUnsubscribes.remove(msgId);
    if (filters != null) {
      filters.forEach(subscriptions::remove);
    }
  }

  /** The request {@code msgId} expired unacknowledged. */
  void forget(int msgId) {
    pendingSubscribes.remove(msgId);
    pendingUnsubscribes.remove(msgId);
  }

  /** The client stopped: no request waits any more. */
  void clearPending() {
    pendingSubscribes.clear();
    pendingUnsubscribes.clear();
  }

  /** What is subscribed, in the order it was granted. */
  List<Subscription> subscriptions() {
    return new ArrayList<>(subscriptions.values());
  }

  boolean isEmpty() {
    return subscriptions.isEmpty();
  }

  /** Forgets what is subscribed: the broker kept no session. */
  void clearSubscriptions() {
    subscriptions.clear();
  }
}
