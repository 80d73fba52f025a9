package dev.switchboard.broker.persist;

import java.time.Duration;

/**
 * How the broker keeps its state: the store (null for memory only) and the durability promised.
 *
 * @param store where state goes; null when durability is {@link Durability#NONE}
 * @param durability what an acknowledgement promises
 * @param relaxedInterval in {@link Durability#RELAXED} mode, the longest a change waits for its
 *     commit
 * @param housekeepingInterval how often expired messages are reaped and the store compacted
 * @param journalBound how many appends (a change, or a publisher's unit of changes) may wait for
 *     the store: above it the broker stops reading from the clients whose packets add to it, until
 *     the store has caught up to half of it
 */
public record Persistence(
    DurableStore store,
    Durability durability,
    Duration relaxedInterval,
    Duration housekeepingInterval,
    int journalBound) {

  /** The default {@link #journalBound}: four of the largest transactions the journal commits. */
  public static final int DEFAULT_JOURNAL_BOUND = 65_536;

  public static final Persistence NONE =
      new Persistence(null, Durability.NONE, Duration.ofSeconds(1), Duration.ofMinutes(5));

  /** With the {@link #DEFAULT_JOURNAL_BOUND default journal bound}. */
  public Persistence(
      DurableStore store,
      Durability durability,
      Duration relaxedInterval,
      Duration housekeepingInterval) {
    this(store, durability, relaxedInterval, housekeepingInterval, DEFAULT_JOURNAL_BOUND);
  }

  public Persistence {
    if ((store == null) != (durability == Durability.NONE)) {
      throw new IllegalArgumentException("a store is needed exactly when durability is not none");
    }
    if (relaxedInterval.isNegative() || relaxedInterval.isZero()) {
      throw new IllegalArgumentException("relaxed interval must be positive");
    }
    if (housekeepingInterval.isNegative() || housekeepingInterval.isZero()) {
      throw new IllegalArgumentException("housekeeping interval must be positive");
    }
    if (journalBound < 2) {
      throw new IllegalArgumentException("journal bound must be at least 2");
    }
  }

  public static Persistence of(DurableStore store, Durability durability) {
    return new Persistence(store, durability, Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  public boolean enabled() {
    return store != null;
  }
}
