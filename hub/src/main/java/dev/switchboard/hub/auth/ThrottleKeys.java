package dev.switchboard.hub.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * The failures, blocks and attempts under way of one kind of key of the {@link LoginThrottle} (a
 * user name at an address, an address, or a user name), against one {@link LoginThrottle.Limit}.
 *
 * <p>Not thread-safe: the throttle calls it under its own lock, so that an attempt is checked
 * against every key and reserved on all of them in one step.
 *
 * @param <K> the key
 */
final class ThrottleKeys<K> {
  private final int maxFailures;
  private final long windowMillis;
  private final long initialBackoffMillis;
  private final long maxBackoffMillis;
  private final int maxKeys;

  /** What a refusal says the key is; made only for a refusal, never on the way of a login. */
  private final Function<K, String> describe;

  // ordered by last activity (a failure, or a check begun), oldest first: the first is the one to
  // forget when full
  private final LinkedHashMap<K, Tracker> trackers = new LinkedHashMap<>();

  ThrottleKeys(
      LoginThrottle.Limit limit,
      Duration initialBackoff,
      Duration maxBackoff,
      int maxKeys,
      Function<K, String> describe) {
    this.maxFailures = limit.maxFailures();
    this.windowMillis = limit.window().toMillis();
    this.initialBackoffMillis = initialBackoff.toMillis();
    this.maxBackoffMillis = maxBackoff.toMillis();
    this.maxKeys = maxKeys;
    this.describe = describe;
  }

  /**
   * Why an attempt on {@code key} is refused now: a block is on, or the failures in the window and
   * the attempts under way together reach the limit. Past a block, while the window still holds the
   * limit's failures, one attempt at a time is let through; its failure starts the next, longer
   * block.
   *
   * @return null when the attempt may go ahead
   */
  LoginThrottle.Block refusal(K key, long now) {
    Tracker t = trackers.get(key);
    if (t == null) {
      return null;
    }
    if (now < t.blockedUntil) {
      return new LoginThrottle.Block(
          describe.apply(key), t.failuresAtBlock, 0, Duration.ofMillis(t.blockedUntil - now));
    }
    if (t.idle(now, windowMillis)) {
      trackers.remove(key);
      return null;
    }
    int recent = t.recent(now, windowMillis);
    int allowed = recent >= maxFailures ? 1 : maxFailures - recent;
    if (t.underWay >= allowed) {
      return new LoginThrottle.Block(describe.apply(key), recent, t.underWay, Duration.ZERO);
    }
    return null;
  }

  /**
   * Counts one more attempt under way on {@code key}; the tracker returned is the one to release.
   */
  Tracker reserve(K key) {
    Tracker t = trackers.remove(key);
    if (t == null) {
      t = new Tracker(maxFailures, initialBackoffMillis);
    }
    trackers.put(key, t); // last: most recent activity
    t.underWay++;
    forgetOldest();
    return t;
  }

  /**
   * Ends an attempt {@link #reserve reserved} on {@code tracker}, which may have been forgotten
   * meanwhile (the table was full): then only its own count goes down.
   */
  void release(K key, Tracker tracker, long now) {
    tracker.underWay--;
    if (trackers.get(key) == tracker && tracker.idle(now, windowMillis)) {
      trackers.remove(key);
    }
  }

  /**
   * Records a failure on {@code key}.
   *
   * @return whether it started a block
   */
  boolean fail(K key, long now) {
    Tracker t = trackers.remove(key);
    if (t == null) {
      t = new Tracker(maxFailures, initialBackoffMillis);
    } else if (t.forgiven(now, windowMillis)) {
      t.clearFailures(initialBackoffMillis);
    }
    trackers.put(key, t); // last: most recent failure
    int recent = t.add(now, windowMillis);
    boolean blocks = false;
    if (recent >= maxFailures && now >= t.blockedUntil) {
      t.blockedUntil = now + t.nextBackoffMillis;
      t.failuresAtBlock = recent;
      t.nextBackoffMillis = Math.min(t.nextBackoffMillis * 2, maxBackoffMillis);
      blocks = true;
    }
    forgetOldest();
    return blocks;
  }

  /** Clears the failures and the block of {@code key}: it just logged in. */
  void forgive(K key) {
    Tracker t = trackers.get(key);
    if (t == null) {
      return;
    }
    t.clearFailures(initialBackoffMillis);
    if (t.underWay == 0) {
      trackers.remove(key);
    }
  }

  int size() {
    return trackers.size();
  }

  private void forgetOldest() {
    while (trackers.size() > maxKeys) {
      trackers.pollFirstEntry();
    }
  }

  /**
   * The last failure times of one key (at most the limit's count, in an array that grows with them,
   * so that a high limit costs memory only where failures are), its block and its attempts under
   * way.
   */
  static final class Tracker {
    private static final int FIRST_CAPACITY = 8;
    private final int capacity;
    private long[] times;
    private int next;
    private int count;
    private long lastFailure;
    private long blockedUntil;
    private int failuresAtBlock;
    private long nextBackoffMillis;
    private int underWay;

    Tracker(int capacity, long initialBackoffMillis) {
      this.capacity = capacity;
      this.times = new long[Math.min(capacity, FIRST_CAPACITY)];
      this.nextBackoffMillis = initialBackoffMillis;
    }

    /** Records a failure; returns the failures within the window ending now. */
    int add(long now, long windowMillis) {
      if (count == times.length && times.length < capacity) {
        grow();
      }
      times[next] = now;
      next = (next + 1) % times.length;
      count = Math.min(count + 1, times.length);
      lastFailure = now;
      return recent(now, windowMillis);
    }

    /** The failures within the window ending now. */
    int recent(long now, long windowMillis) {
      int recent = 0;
      for (int i = 0; i < count; i++) {
        if (now - times[i] < windowMillis) {
          recent++;
        }
      }
      return recent;
    }

    /** A whole window without a failure, and no block on: starts again from nothing. */
    boolean forgiven(long now, long windowMillis) {
      return now >= blockedUntil && (count == 0 || now - lastFailure >= windowMillis);
    }

    /** Nothing to remember: forgiven, and no attempt under way. */
    boolean idle(long now, long windowMillis) {
      return underWay == 0 && forgiven(now, windowMillis);
    }

    void clearFailures(long initialBackoffMillis) {
      next = 0;
      count = 0;
      lastFailure = 0;
      blockedUntil = 0;
      failuresAtBlock = 0;
      nextBackoffMillis = initialBackoffMillis;
    }

    /** Full ring: the oldest is at {@code next}; copied oldest first into a larger array. */
    private void grow() {
      long[] larger = new long[Math.min(capacity, times.length * 2)];
      for (int i = 0; i < count; i++) {
        larger[i] = times[(next + i) % times.length];
      }
      times = larger;
      next = count;
    }
  }
}
