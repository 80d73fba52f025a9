package dev.switchboard.broker.routing;

import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.retained.RetainedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Each hub's own topic space: its subscriptions (shared groups included) and its retained messages,
 * so that no client of one hub ever matches another hub's topics. This is the "mount point" of the
 * design, done as one subscription index and one retained store per hub rather than as a prefix on
 * every topic: a client's topics stay exactly as it published them, the default hub's messages take
 * no extra step (its space is found by one identity check), and matching in a hub walks only that
 * hub's subscriptions, so a hundred hubs of a hundred devices cost no more than one hub of ten
 * thousand.
 *
 * <p>Spaces are made on first use and kept until their hub is removed (an empty space is a few
 * small objects). Thread-safe.
 */
public final class TopicSpaces {
  /**
   * One hub's topic space.
   *
   * @param hub the hub's name
   * @param subscriptions its subscriptions, shared groups included
   * @param retained its retained messages
   * @param messagesReceived messages its clients published (counted for every hub but the default
   *     one, whose figure is the server's less the others': its path counts nothing more)
   * @param connections its connections at once, counted while it has a connection limit
   * @param refusals what its limits refused, counted
   */
  public record Space(
      String hub,
      SubscriptionIndex<Subscriber> subscriptions,
      RetainedStore retained,
      LongAdder messagesReceived,
      AtomicInteger connections,
      Refusals refusals) {
    public Space {
      Objects.requireNonNull(hub, "hub");
      Objects.requireNonNull(subscriptions, "subscriptions");
      Objects.requireNonNull(retained, "retained");
      Objects.requireNonNull(messagesReceived, "messagesReceived");
      Objects.requireNonNull(connections, "connections");
      Objects.requireNonNull(refusals, "refusals");
    }

    Space(String hub, SubscriptionIndex<Subscriber> subscriptions, RetainedStore retained) {
      this(hub, subscriptions, retained, new LongAdder(), new AtomicInteger(), new Refusals());
    }

    public boolean isDefault() {
      return Hubs.isDefault(hub);
    }
  }

  /** What one hub's limits refused. */
  public static final class Refusals {
    /** CONNECTs past its connection limit. */
    public final LongAdder connections = new LongAdder();

    /** PUBLISHes over its message size. */
    public final LongAdder messageSize = new LongAdder();

    /** New retained topics past its retained limit. */
    public final LongAdder retained = new LongAdder();
  }

  private final Space defaultSpace;
  private final Supplier<RetainedStore> newRetainedStore;
  private final ConcurrentHashMap<String, Space> others = new ConcurrentHashMap<>();

  /** Told of every space's filters; set and read under this object's monitor. */
  private FilterListener filterListener;

  /**
   * @param defaultSubscriptions the default hub's subscriptions
   * @param defaultRetained the default hub's retained store
   * @param newRetainedStore makes the retained store of every other hub
   */
  public TopicSpaces(
      SubscriptionIndex<Subscriber> defaultSubscriptions,
      RetainedStore defaultRetained,
      Supplier<RetainedStore> newRetainedStore) {
    this.defaultSpace = new Space(Hubs.DEFAULT, defaultSubscriptions, defaultRetained);
    this.newRetainedStore = Objects.requireNonNull(newRetainedStore, "newRetainedStore");
  }

  /** The space of {@code hub} (null: the default hub's), made on first use. */
  public Space of(String hub) {
    if (Hubs.isDefault(hub)) {
      return defaultSpace;
    }
    Space s = others.get(hub);
    return s != null ? s : create(hub);
  }

  /** Makes a hub's space; rare, so under the monitor {@link #watchFilters} takes too. */
  private synchronized Space create(String hub) {
    Space s = others.get(hub);
    if (s == null) {
      s = new Space(hub, new SubscriptionIndex<>(), newRetainedStore.get());
      if (filterListener != null) {
        s.subscriptions().watchFilters(hub, filterListener);
      }
      others.put(hub, s);
    }
    return s;
  }

  /**
   * Tells {@code listener} of the filters every hub has now and of those each gains or loses from
   * then on, hubs made later included (see {@link SubscriptionIndex#watchFilters}). The cluster's
   * routes are kept this way.
   */
  public synchronized void watchFilters(FilterListener listener) {
    this.filterListener = listener;
    for (Space s : all()) {
      s.subscriptions().watchFilters(s.hub(), listener);
    }
  }

  /**
   * Forgets the space of a hub that was removed, once its sessions have ended; returns it, or null
   * if it had none. A message routed into it meanwhile goes nowhere, as the hub's clients are gone.
   *
   * @throws IllegalArgumentException for the default hub, which is never removed
   */
  public Space remove(String hub) {
    if (Hubs.isDefault(hub)) {
      throw new IllegalArgumentException("the default hub's space is never removed");
    }
    return others.remove(hub);
  }

  /** The default hub's space. */
  public Space defaultSpace() {
    return defaultSpace;
  }

  /** Every space made so far, the default hub's first. */
  public List<Space> all() {
    List<Space> all = new ArrayList<>(others.size() + 1);
    all.add(defaultSpace);
    all.addAll(others.values());
    return all;
  }
}
