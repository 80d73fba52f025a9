package dev.switchboard.broker;

import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.session.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the matches of one topic, one entry per session however many of its filters match.
 *
 * <p>This runs once per published message, so it allocates little: matches go into two arrays, and
 * a session already collected is found by a scan of the few collected so far, or, past {@link
 * #SCAN_LIMIT} matches (a fan-out), through an identity map built then.
 */
final class Router implements SubscriptionIndex.MatchSink<Session> {
  private static final int SCAN_LIMIT = 8;

  private Session[] sessions = new Session[4];

  /** Per session: its one filter key (a String) or, when several match, a List of them. */
  private Object[] keys = new Object[4];

  private int size;
  private Map<Session, Integer> index;
  private List<SubscriptionIndex.SharedGroup<Session>> shared;

  private Router() {}

  static Router collect(SubscriptionIndex<Session> subscriptions, String topic) {
    Router r = new Router();
    subscriptions.match(topic, r);
    return r;
  }

  int size() {
    return size;
  }

  Session session(int i) {
    return sessions[i];
  }

  @SuppressWarnings("unchecked")
  List<String> filterKeys(int i) {
    Object k = keys[i];
    return k instanceof String s ? List.of(s) : (List<String>) k;
  }

  List<SubscriptionIndex.SharedGroup<Session>> shared() {
    return shared == null ? List.of() : shared;
  }

  @Override
  public void subscriber(Session subscriber, String filterKey) {
    int at = find(subscriber);
    if (at >= 0) {
      addKey(at, filterKey);
      return;
    }
    if (size == sessions.length) {
      sessions = Arrays.copyOf(sessions, size * 2);
      keys = Arrays.copyOf(keys, size * 2);
    }
    sessions[size] = subscriber;
    keys[size] = filterKey;
    if (index != null) {
      index.put(subscriber, size);
    } else if (size + 1 > SCAN_LIMIT) {
      index = new IdentityHashMap<>(size * 4);
      for (int i = 0; i <= size; i++) {
        index.put(sessions[i], i);
      }
    }
    size++;
  }

  private int find(Session s) {
    if (index != null) {
      Integer i = index.get(s);
      return i == null ? -1 : i;
    }
    for (int i = 0; i < size; i++) {
      if (sessions[i] == s) {
        return i;
      }
    }
    return -1;
  }

  @SuppressWarnings("unchecked")
  private void addKey(int at, String filterKey) {
    Object k = keys[at];
    List<String> list;
    if (k instanceof String s) {
      list = new ArrayList<>(2);
      list.add(s);
      keys[at] = list;
    } else {
      list = (List<String>) k;
    }
    list.add(filterKey);
  }

  @Override
  public void sharedGroup(SubscriptionIndex.SharedGroup<Session> group) {
    if (shared == null) {
      shared = new ArrayList<>(2);
    }
    shared.add(group);
  }
}
