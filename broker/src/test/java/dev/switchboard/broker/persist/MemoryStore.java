package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Hubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link DurableStore} in maps, for tests: the SPI's semantics and nothing more. {@link #apply}
 * works on a copy and swaps it in only when every change went through (all or nothing). It records
 * every batch it applied, can be told to fail the next applies, and can hold applies back until a
 * test lets them go (to show that an acknowledgement waits for its commit).
 */
final class MemoryStore implements DurableStore {

  /** Everything stored; copied for each transaction (the maps are small in tests). */
  private static final class Data {
    final Map<String, StoredSession> sessions = new TreeMap<>();
    final Map<List<String>, StoredSubscription> subscriptions = new LinkedHashMap<>();
    final Map<MessageKey, QueuedMessage> messages = new TreeMap<>(MessageKey.ORDER);
    final Set<Change.AwaitPubrel> awaiting = new HashSet<>();
    final Map<String, StoredMessage> retained = new TreeMap<>();
    final List<LogEntry> logEntries = new ArrayList<>();

    Data copy() {
      Data d = new Data();
      d.sessions.putAll(sessions);
      d.subscriptions.putAll(subscriptions);
      d.messages.putAll(messages);
      d.awaiting.addAll(awaiting);
      d.retained.putAll(retained);
      d.logEntries.addAll(logEntries);
      return d;
    }
  }

  private record MessageKey(String hub, String clientId, long seq) {
    static final Comparator<MessageKey> ORDER =
        Comparator.comparing(MessageKey::hub)
            .thenComparing(MessageKey::clientId)
            .thenComparingLong(MessageKey::seq);
  }

  /**
   * The key of a session's or a retained message's row: the client id (or topic) itself in the
   * default hub, as the maps the tests read are keyed; prefixed with the hub in any other.
   */
  private static String key(String hub, String name) {
    return Hubs.isDefault(hub) ? name : hub + '\0' + name;
  }

  private Data data = new Data();
  private final List<List<Change>> batches = new ArrayList<>();
  private int failuresLeft;
  private StoreException.Kind failureKind = StoreException.Kind.OTHER;
  private int attempts;
  private volatile CountDownLatch gate;
  private CountDownLatch entered = new CountDownLatch(1);
  private boolean closed;

  // ---------------------------------------------------------------- test controls

  /** The next {@code n} applies throw a StoreException of {@code kind} and change nothing. */
  synchronized void failNext(int n, StoreException.Kind kind) {
    failuresLeft = n;
    failureKind = kind;
  }

  /** Applies from now on wait (before changing anything) until {@link #unblock()}. */
  synchronized void block() {
    entered = new CountDownLatch(1);
    gate = new CountDownLatch(1);
  }

  /** Lets waiting and later applies through. */
  void unblock() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** Waits until an apply is held back by {@link #block()}; false if none came in time. */
  boolean awaitBlockedApply(Duration timeout) throws InterruptedException {
    CountDownLatch e;
    synchronized (this) {
      e = entered;
    }
    return e.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every batch applied successfully, in order. */
  synchronized List<List<Change>> batches() {
    return List.copyOf(batches);
  }

  /** Calls of {@link #apply}, failed ones included. */
  synchronized int attempts() {
    return attempts;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- what is stored

  synchronized Map<String, StoredSession> sessions() {
    return Map.copyOf(data.sessions);
  }

  synchronized List<StoredSubscription> subscriptions() {
    return List.copyOf(data.subscriptions.values());
  }

  /** Stored messages, ordered by clientId then seq. */
  synchronized List<QueuedMessage> messages() {
    return List.copyOf(data.messages.values());
  }

  synchronized Set<Change.AwaitPubrel> awaitingPubrel() {
    return Set.copyOf(data.awaiting);
  }

  synchronized Map<String, StoredMessage> retained() {
    return Map.copyOf(data.retained);
  }

  /** Entries appended to message logs, in order (limits are the real stores' concern). */
  synchronized List<LogEntry> logEntries() {
    return List.copyOf(data.logEntries);
  }

  /** Sets up state directly, as a store left by an earlier broker (a crash) would hold it. */
  synchronized void seed(List<Change> changes) {
    Data next = data.copy();
    for (Change c : changes) {
      change(next, c);
    }
    data = next;
  }

  // ---------------------------------------------------------------- the SPI

  @Override
  public synchronized StoredState load() {
    List<Change.AwaitPubrel> awaiting = new ArrayList<>(data.awaiting);
    awaiting.sort(
        Comparator.comparing(Change.AwaitPubrel::clientId)
            .thenComparingInt(Change.AwaitPubrel::packetId));
    return new StoredState(
        List.copyOf(data.sessions.values()),
        List.copyOf(data.subscriptions.values()),
        List.copyOf(data.messages.values()), // the TreeMap orders them by clientId, then seq
        List.copyOf(awaiting),
        List.copyOf(data.retained.values()));
  }

  /** One session's rows, as a cluster node that takes it over reads them. */
  @Override
  public synchronized StoredState loadSession(String hub, String clientId) {
    StoredState all = load();
    Predicate<String> mine = id -> id.equals(clientId);
    return new StoredState(
        all.sessions().stream()
            .filter(s -> s.hub().equals(hub) && mine.test(s.clientId()))
            .toList(),
        all.subscriptions().stream()
            .filter(s -> s.hub().equals(hub) && mine.test(s.clientId()))
            .toList(),
        all.messages().stream()
            .filter(m -> m.hub().equals(hub) && mine.test(m.clientId()))
            .toList(),
        all.awaitingPubrel().stream()
            .filter(a -> a.hub().equals(hub) && mine.test(a.clientId()))
            .toList(),
        List.of());
  }

  @Override
  public void apply(List<Change> changes) {
    CountDownLatch g = gate;
    if (g != null) {
      synchronized (this) {
        entered.countDown();
      }
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(StoreException.Kind.OTHER, "interrupted", e);
      }
    }
    synchronized (this) {
      attempts++;
      if (closed) {
        throw new StoreException(StoreException.Kind.UNAVAILABLE, "memory store closed");
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new StoreException(failureKind, "memory store told to fail");
      }
      Data next = data.copy();
      for (Change c : changes) {
        change(next, c);
      }
      data = next;
      batches.add(List.copyOf(changes));
    }
  }

  private static void change(Data d, Change change) {
    switch (change) {
      case Change.PutSession p ->
          d.sessions.put(key(p.session().hub(), p.session().clientId()), p.session());
      case Change.DeleteSession s -> {
        String id = s.clientId();
        String hub = s.hub();
        d.sessions.remove(key(hub, id));
        d.subscriptions
            .values()
            .removeIf(sub -> sub.clientId().equals(id) && sub.hub().equals(hub));
        d.messages.keySet().removeIf(k -> k.clientId().equals(id) && k.hub().equals(hub));
        d.awaiting.removeIf(a -> a.clientId().equals(id) && a.hub().equals(hub));
      }
      case Change.PutSubscription p -> {
        StoredSubscription s = p.subscription();
        d.subscriptions.put(List.of(s.hub(), s.clientId(), s.filterKey()), s);
      }
      case Change.DeleteSubscription s ->
          d.subscriptions.remove(List.of(s.hub(), s.clientId(), s.filterKey()));
      case Change.PutMessage p -> {
        QueuedMessage m = p.message();
        d.messages.put(new MessageKey(m.hub(), m.clientId(), m.seq()), m);
      }
      case Change.UpdateMessage u ->
          d.messages.computeIfPresent(
              new MessageKey(u.hub(), u.clientId(), u.seq()),
              (k, m) -> m.withState(u.packetId(), u.phase()));
      case Change.DeleteMessage m ->
          d.messages.remove(new MessageKey(m.hub(), m.clientId(), m.seq()));
      case Change.AwaitPubrel a -> d.awaiting.add(a);
      case Change.ReleasePubrel r ->
          d.awaiting.remove(new Change.AwaitPubrel(r.clientId(), r.packetId(), r.hub()));
      case Change.PutRetained r ->
          d.retained.put(key(r.message().hub(), r.message().topic()), r.message());
      case Change.DeleteRetained r -> d.retained.remove(key(r.hub(), r.topic()));
      case Change.AppendToLog a -> d.logEntries.add(a.entry());
      case Change.HoldSession h -> {} // the broker's tests run one node: nobody else holds any
      case Change.DeleteHub h -> {
        String hub = h.hub();
        d.sessions.values().removeIf(s -> s.hub().equals(hub));
        d.subscriptions.values().removeIf(sub -> sub.hub().equals(hub));
        d.messages.keySet().removeIf(k -> k.hub().equals(hub));
        d.awaiting.removeIf(a -> a.hub().equals(hub));
        d.retained.values().removeIf(r -> r.hub().equals(hub));
      }
    }
  }

  @Override
  public void compact() {}

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
