package dev.switchboard.broker.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every subscription of every session, as a trie of topic levels. The publish path ({@link #match})
 * reads it without locks: children are concurrent maps and subscriber lists are copy-on-write
 * arrays behind volatile fields. Subscribe and unsubscribe are serialised by one lock, which the
 * publish path never takes.
 *
 * @param <S> the subscriber (a session)
 */
public final class SubscriptionIndex<S> {

  /** Receives the matches of one topic. */
  public interface MatchSink<S> {
    /** A non-shared subscription of {@code subscriber} with the filter it subscribed with. */
    void subscriber(S subscriber, String filterKey);

    /** A shared subscription group whose filter matches; the sink picks one member. */
    void sharedGroup(SharedGroup<S> group);
  }

  /** One {@code $share/{name}/{filter}} group: the sessions that share the filter. */
  public static final class SharedGroup<S> {
    private final String name;
    private final String filter;
    private final String filterKey;
    private volatile List<S> members = List.of();
    private final AtomicInteger next = new AtomicInteger();

    SharedGroup(String name, String filter) {
      this.name = name;
      this.filter = filter;
      this.filterKey = "$share/" + name + "/" + filter;
    }

    public String name() {
      return name;
    }

    public String filter() {
      return filter;
    }

    /** The filter as members subscribed with it: {@code $share/name/filter}. */
    public String filterKey() {
      return filterKey;
    }

    public List<S> members() {
      return members;
    }

    /** Round robin start position for the next message. */
    public int nextIndex() {
      return Math.floorMod(next.getAndIncrement(), Math.max(1, members.size()));
    }
  }

  private record Entry<S>(S subscriber, String filterKey) {}

  private static final class Node<S> {
    final ConcurrentHashMap<String, Node<S>> children = new ConcurrentHashMap<>(4);

    @SuppressWarnings("unchecked")
    volatile Entry<S>[] entries = new Entry[0];

    volatile List<SharedGroup<S>> shared = List.of();

    boolean isEmpty() {
      return children.isEmpty() && entries.length == 0 && shared.isEmpty();
    }
  }

  private final Node<S> root = new Node<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicInteger count = new AtomicInteger();

  /** Told of filters gained and lost (under the write lock); null while nobody listens. */
  private FilterListener listener;

  private String listenerHub;

  /**
   * Tells {@code listener} of every filter this index has now, then of every filter gained or lost
   * from now on, as filters of {@code hub}; both under the write lock, so that none is missed or
   * told twice. Replaces a listener set before.
   */
  public void watchFilters(String hub, FilterListener listener) {
    writeLock.lock();
    try {
      this.listener = listener;
      this.listenerHub = hub;
      if (listener != null) {
        tellExisting(root, new StringBuilder(), listener, hub);
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void tellExisting(Node<S> node, StringBuilder path, FilterListener l, String hub) {
    if (node != root) {
      if (node.entries.length > 0) {
        l.filterAdded(hub, path.toString());
      }
      for (SharedGroup<S> g : node.shared) {
        l.filterAdded(hub, g.filterKey());
      }
    }
    for (var child : node.children.entrySet()) {
      int length = path.length();
      if (node != root) {
        path.append('/');
      }
      path.append(child.getKey());
      tellExisting(child.getValue(), path, l, hub);
      path.setLength(length);
    }
  }

  private void filterAdded(String filterKey) {
    if (listener != null) {
      listener.filterAdded(listenerHub, filterKey);
    }
  }

  private void filterRemoved(String filterKey) {
    if (listener != null) {
      listener.filterRemoved(listenerHub, filterKey);
    }
  }

  /** Number of subscriptions (shared memberships included). */
  public int size() {
    return count.get();
  }

  /** Adds or keeps a non-shared subscription. Returns true if it was new. */
  public boolean subscribe(S subscriber, String filter) {
    writeLock.lock();
    try {
      Node<S> node = nodeFor(filter, true);
      Entry<S>[] old = node.entries;
      for (Entry<S> e : old) {
        if (e.subscriber == subscriber) {
          return false;
        }
      }
      Entry<S>[] grown = java.util.Arrays.copyOf(old, old.length + 1);
      grown[old.length] = new Entry<>(subscriber, filter);
      node.entries = grown;
      count.incrementAndGet();
      if (old.length == 0) {
        filterAdded(filter);
      }
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  public boolean unsubscribe(S subscriber, String filter) {
    writeLock.lock();
    try {
      Node<S> node = nodeFor(filter, false);
      if (node == null) {
        return false;
      }
      Entry<S>[] old = node.entries;
      for (int i = 0; i < old.length; i++) {
        if (old[i].subscriber == subscriber) {
          @SuppressWarnings("unchecked")
          Entry<S>[] shrunk = new Entry[old.length - 1];
          System.arraycopy(old, 0, shrunk, 0, i);
          System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
          node.entries = shrunk;
          count.decrementAndGet();
          prune(filter);
          if (shrunk.length == 0) {
            filterRemoved(filter);
          }
          return true;
        }
      }
      return false;
    } finally {
      writeLock.unlock();
    }
  }

  /** Joins {@code subscriber} to the group {@code $share/group/filter}; true if it was new. */
  public boolean subscribeShared(S subscriber, String group, String filter) {
    writeLock.lock();
    try {
      Node<S> node = nodeFor(filter, true);
      SharedGroup<S> g = null;
      for (SharedGroup<S> candidate : node.shared) {
        if (candidate.name.equals(group)) {
          g = candidate;
        }
      }
      if (g == null) {
        g = new SharedGroup<>(group, filter);
        List<SharedGroup<S>> groups = new ArrayList<>(node.shared);
        groups.add(g);
        node.shared = List.copyOf(groups);
      }
      if (g.members.contains(subscriber)) {
        return false;
      }
      List<S> members = new ArrayList<>(g.members);
      members.add(subscriber);
      g.members = List.copyOf(members);
      count.incrementAndGet();
      if (members.size() == 1) {
        filterAdded(g.filterKey());
      }
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  public boolean unsubscribeShared(S subscriber, String group, String filter) {
    writeLock.lock();
    try {
      Node<S> node = nodeFor(filter, false);
      if (node == null) {
        return false;
      }
      for (SharedGroup<S> g : node.shared) {
        if (g.name.equals(group) && g.members.contains(subscriber)) {
          List<S> members = new ArrayList<>(g.members);
          members.remove(subscriber);
          g.members = List.copyOf(members);
          if (members.isEmpty()) {
            List<SharedGroup<S>> groups = new ArrayList<>(node.shared);
            groups.remove(g);
            node.shared = List.copyOf(groups);
          }
          count.decrementAndGet();
          prune(filter);
          if (members.isEmpty()) {
            filterRemoved(g.filterKey());
          }
          return true;
        }
      }
      return false;
    } finally {
      writeLock.unlock();
    }
  }

  /** The group {@code $share/group/filter} if it has members. */
  public SharedGroup<S> sharedGroup(String group, String filter) {
    Node<S> node = nodeFor(filter, false);
    if (node == null) {
      return null;
    }
    for (SharedGroup<S> g : node.shared) {
      if (g.name.equals(group)) {
        return g;
      }
    }
    return null;
  }

  /**
   * Calls {@code sink} for every subscription whose filter matches {@code topic}. A filter starting
   * with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
   */
  public void match(String topic, MatchSink<S> sink) {
    boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
    matchLevel(root, topic, 0, dollar, sink);
  }

  private void matchLevel(
      Node<S> node, String topic, int start, boolean skipWildcards, MatchSink<S> sink) {
    // start == topic.length() + 1 means every level has been consumed
    if (start > topic.length()) {
      emit(node, sink);
      Node<S> hash = node.children.get("#");
      if (hash != null) {
        emit(hash, sink); // "a/#" matches "a" [MQTT-4.7.1-2]
      }
      return;
    }
    if (!skipWildcards) {
      Node<S> hash = node.children.get("#");
      if (hash != null) {
        emit(hash, sink);
      }
    }
    int end = topic.indexOf('/', start);
    if (end < 0) {
      end = topic.length();
    }
    if (!skipWildcards) {
      Node<S> plus = node.children.get("+");
      if (plus != null) {
        matchLevel(plus, topic, end + 1, false, sink);
      }
    }
    Node<S> literal = node.children.get(topic.substring(start, end));
    if (literal != null) {
      matchLevel(literal, topic, end + 1, false, sink);
    }
  }

  private void emit(Node<S> node, MatchSink<S> sink) {
    for (Entry<S> e : node.entries) {
      sink.subscriber(e.subscriber, e.filterKey);
    }
    for (SharedGroup<S> g : node.shared) {
      sink.sharedGroup(g);
    }
  }

  private Node<S> nodeFor(String filter, boolean create) {
    Node<S> node = root;
    int start = 0;
    while (true) {
      int end = filter.indexOf('/', start);
      String level = filter.substring(start, end < 0 ? filter.length() : end);
      Node<S> child = node.children.get(level);
      if (child == null) {
        if (!create) {
          return null;
        }
        child = new Node<>();
        node.children.put(level, child);
      }
      node = child;
      if (end < 0) {
        return node;
      }
      start = end + 1;
    }
  }

  /** Removes empty nodes along a filter's path, deepest first. Caller holds the write lock. */
  private void prune(String filter) {
    List<Node<S>> path = new ArrayList<>();
    List<String> levels = new ArrayList<>();
    Node<S> node = root;
    int start = 0;
    while (true) {
      int end = filter.indexOf('/', start);
      String level = filter.substring(start, end < 0 ? filter.length() : end);
      Node<S> child = node.children.get(level);
      if (child == null) {
        return;
      }
      path.add(node);
      levels.add(level);
      node = child;
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    Node<S> current = node;
    for (int i = path.size() - 1; i >= 0 && current.isEmpty(); i--) {
      path.get(i).children.remove(levels.get(i), current);
      current = path.get(i);
    }
  }
}
