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
 */
public record Persistence(
    DurableStore store,
    Durability durability,
    Duration relaxedInterval,
    Duration housekeepingInterval) {

  public static final Persistence NONE =
      new Persistence(null, Durability.NONE, Duration.ofSeconds(1), Duration.ofMinutes(5));

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
  }

  public static Persistence of(DurableStore store, Durability durability) {
    return new Persistence(store, durability, Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  public boolean enabled() {
    return store != null;
  }
}
