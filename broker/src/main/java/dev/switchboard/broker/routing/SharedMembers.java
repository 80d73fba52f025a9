package dev.switchboard.broker.routing;

import java.util.List;

/** Which member of a shared subscription group gets a message. */
final class SharedMembers {
  private SharedMembers() {}

  /** Round robin over the group, preferring members that are online; null for an empty group. */
  static Subscriber pick(SubscriptionIndex.SharedGroup<Subscriber> g, Subscriber excluded) {
    List<Subscriber> members = g.members();
    int n = members.size();
    if (n == 0) {
      return null;
    }
    int start = g.nextIndex();
    Subscriber fallback = null;
    for (int i = 0; i < n; i++) {
      Subscriber s = members.get((start + i) % n);
      if (s == excluded) {
        continue;
      }
      if (s.isOnline()) {
        return s;
      }
      if (fallback == null) {
        fallback = s;
      }
    }
    return fallback;
  }
}
