package dev.switchboard.broker.routing;

/**
 * Hears when this node starts and stops having a subscription filter in a hub: the first subscriber
 * of a filter adds it, the last one to leave removes it (a filter is counted by its subscribers, so
 * a thousand sessions on {@code sensors/#} are one filter). Shared subscriptions are their group's
 * filter key, {@code $share/group/filter}. The cluster uses it to tell other nodes which messages
 * this node wants; the broker knows nothing of what a listener does with it.
 *
 * <p>Called under the hub's subscription index's write lock, on the thread that subscribed or
 * unsubscribed (often an event loop): a listener must not block, and must not subscribe or
 * unsubscribe from inside the call.
 */
public interface FilterListener {
  /** {@code hub} now has a subscriber of {@code filterKey}, and had none before. */
  void filterAdded(String hub, String filterKey);

  /** The last subscriber of {@code filterKey} in {@code hub} has gone. */
  void filterRemoved(String hub, String filterKey);
}
