package dev.switchboard.broker.routing;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the matches of one topic, one entry per subscriber (session) however many of its filters
 * match.
 *
 * <p>This runs once per published message, so it allocates little: matches go into two arrays, and
 * a session already collected is found by a scan of the few collected so far, or, past {@link
 * #SCAN_LIMIT} matches (a fan-out), through an identity map built then. One collector per thread
 * serves every route on that thread ({@link #release} empties it), so a route allocates none (it
 * was 80 bytes a message); a route inside a route on the same thread gets one of its own.
 */
final class MatchCollector implements SubscriptionIndex.MatchSink<Subscriber> {
  private static final int SCAN_LIMIT = 8;

  /** Above this many matches, the arrays of a fan-out are not kept for the next route. */
  private static final int KEPT_CAPACITY = 1024;

  private static final FastThreadLocal<MatchCollector> PER_THREAD =
      new FastThreadLocal<>() {
        @Override
        protected MatchCollector initialValue() {
          return new MatchCollector();
        }
      };

  private Subscriber[] sessions = new Subscriber[4];

  /** Per session: its one filter key (a String) or, when several match, a List of them. */
  private Object[] keys = new Object[4];

  private int size;
  private Map<Subscriber, Integer> index;
  private List<SubscriptionIndex.SharedGroup<Subscriber>> shared;
  private boolean inUse;

  private MatchCollector() {}

  /** The matches of {@code topic}; {@link #release} it when done with them. */
  static MatchCollector collect(SubscriptionIndex<Subscriber> subscriptions, String topic) {
    MatchCollector r = PER_THREAD.get();
    if (r.inUse) {
      r = new MatchCollector(); // this thread's is still being read by a route further up
    }
    r.inUse = true;
    subscriptions.match(topic, r);
    return r;
  }

  /**
   * Forgets the matches, so that the next route on this thread can use this collector. The filter
   * key lists handed out stay as they are: they are never written once collected.
   */
  void release() {
    if (sessions.length > KEPT_CAPACITY) {
      sessions = new Subscriber[4];
      keys = new Object[4];
    } else {
      Arrays.fill(sessions, 0, size, null);
      Arrays.fill(keys, 0, size, null);
    }
    size = 0;
    index = null;
    shared = null;
    inUse = false;
  }

  int size() {
    return size;
  }

  Subscriber session(int i) {
    return sessions[i];
  }

  @SuppressWarnings("unchecked")
  List<String> filterKeys(int i) {
    Object k = keys[i];
    return k instanceof String s ? List.of(s) : (List<String>) k;
  }

  List<SubscriptionIndex.SharedGroup<Subscriber>> shared() {
    return shared == null ? List.of() : shared;
  }

  @Override
  public void subscriber(Subscriber subscriber, String filterKey) {
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

  private int find(Subscriber s) {
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
  public void sharedGroup(SubscriptionIndex.SharedGroup<Subscriber> group) {
    if (shared == null) {
      shared = new ArrayList<>(2);
    }
    shared.add(group);
  }
}
