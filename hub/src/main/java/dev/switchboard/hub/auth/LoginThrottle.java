package dev.switchboard.hub.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slows down password guessing. Failed logins are counted per source address and per user name in a
 * sliding window; once a key reaches its limit, its further attempts are refused at once, without
 * hashing, for a backoff period that doubles at every new block (1 s, 2 s, 4 s... up to a maximum)
 * and starts again from the beginning once a whole window has passed without a failure.
 *
 * <p>An IPv6 address counts as its /64 network, the block an ISP hands one customer, so an attacker
 * cannot escape its count by hopping through addresses it owns. A successful login clears its user
 * name's count (not its address's: one valid account must not reset an address's guesses).
 *
 * <p>Memory is bounded: at most {@code maxTrackedKeys} addresses and as many user names are
 * tracked; beyond that the key whose last failure is oldest is forgotten.
 */
public final class LoginThrottle {

  /**
   * @param maxFailures failures within {@code window} that start a block
   * @param window how far back failures count
   */
  public record Limit(int maxFailures, Duration window) {
    public Limit {
      if (maxFailures < 1) {
        throw new IllegalArgumentException(
            "a login failure limit must be at least 1, not " + maxFailures);
      }
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("a login failure window must be positive: " + window);
      }
    }
  }

  /**
   * @param perAddress the limit per source address (an IPv6 /64)
   * @param perUsername the limit per user name
   * @param initialBackoff the first block's length
   * @param maxBackoff the longest block
   * @param maxTrackedKeys how many addresses, and how many user names, are tracked at most
   */
  public record Settings(
      Limit perAddress,
      Limit perUsername,
      Duration initialBackoff,
      Duration maxBackoff,
      int maxTrackedKeys) {
    /** 10 failures a minute per address, 5 per user name; blocks from 1 s to 5 min. */
    public static final Settings DEFAULT =
        new Settings(
            new Limit(10, Duration.ofMinutes(1)),
            new Limit(5, Duration.ofMinutes(1)),
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            100_000);

    public Settings {
      Objects.requireNonNull(perAddress, "perAddress");
      Objects.requireNonNull(perUsername, "perUsername");
      if (initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new IllegalArgumentException("the first login block must be positive");
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "the longest login block cannot be shorter than the first");
      }
      if (maxTrackedKeys < 1) {
        throw new IllegalArgumentException("the login throttle must track at least 1 key");
      }
    }
  }

  /**
   * Why an attempt is refused.
   *
   * @param subject what is blocked: {@code address 192.0.2.1} or {@code user 'x'}
   * @param failures the failures that started the block
   * @param remaining how long the block still lasts
   */
  public record Block(String subject, int failures, Duration remaining) {
    /** One line for the log: {@code throttled after 10 failed logins from address 192.0.2.1}. */
    public String reason() {
      return "throttled after "
          + failures
          + " failed logins "
          + (subject.startsWith("user") ? "for " : "from ")
          + subject;
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final Keys addresses;
  private final Keys usernames;
  private final LongAdder failures = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder blocks = new LongAdder();

  public LoginThrottle() {
    this(Settings.DEFAULT, Clock.systemUTC());
  }

  public LoginThrottle(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.addresses = new Keys(settings.perAddress());
    this.usernames = new Keys(settings.perUsername());
  }

  /**
   * Whether an attempt from {@code address} as {@code username} is refused now.
   *
   * @param address the source; null when unknown
   * @param username the claimed user name; null when none (or when it is not what is checked)
   * @return the block, counted as a throttled attempt; null when the attempt may go ahead
   */
  public Block check(InetAddress address, String username) {
    long now = clock.millis();
    Block b = null;
    if (address != null) {
      String key = addressKey(address);
      b = addresses.blocked(key, now, "address " + key);
    }
    if (b == null && username != null) {
      b = usernames.blocked(username, now, "user '" + username + "'");
    }
    if (b != null) {
      throttled.increment();
    }
    return b;
  }

  /**
   * Counts a failed login from {@code address} (null: unknown) as {@code username} (null: none).
   */
  public void recordFailure(InetAddress address, String username) {
    failures.increment();
    long now = clock.millis();
    if (address != null) {
      addresses.fail(addressKey(address), now);
    }
    if (username != null) {
      usernames.fail(username, now);
    }
  }

  /** Clears the count of a user name that just logged in. */
  public void recordSuccess(String username) {
    if (username != null) {
      usernames.clear(username);
    }
  }

  /** Failed logins recorded. */
  public long failures() {
    return failures.sum();
  }

  /** Attempts refused because of a block. */
  public long throttled() {
    return throttled.sum();
  }

  /** Blocks started. */
  public long blocks() {
    return blocks.sum();
  }

  /** Addresses and user names tracked now. */
  public int tracked() {
    return addresses.size() + usernames.size();
  }

  /** The key an address is counted under: itself for IPv4, its /64 for IPv6. */
  static String addressKey(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] a = v6.getAddress();
      if (isV4Mapped(a)) {
        return ipv4(Arrays.copyOfRange(a, 12, 16));
      }
      Arrays.fill(a, 8, 16, (byte) 0);
      try {
        return InetAddress.getByAddress(a).getHostAddress() + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // cannot happen: 16 bytes
      }
    }
    return address instanceof Inet4Address ? address.getHostAddress() : address.toString();
  }

  private static String ipv4(byte[] a) {
    return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  /** The failures of one kind of key (addresses, or user names). */
  private final class Keys {
    private final int maxFailures;
    private final long windowMillis;
    // ordered by last failure, oldest first: the first is the one to forget when full
    private final LinkedHashMap<String, Tracker> trackers = new LinkedHashMap<>();

    Keys(Limit limit) {
      this.maxFailures = limit.maxFailures();
      this.windowMillis = limit.window().toMillis();
    }

    synchronized Block blocked(String key, long now, String subject) {
      Tracker t = trackers.get(key);
      if (t == null) {
        return null;
      }
      if (now < t.blockedUntil) {
        return new Block(subject, t.failuresAtBlock, Duration.ofMillis(t.blockedUntil - now));
      }
      if (t.forgiven(now, windowMillis)) {
        trackers.remove(key);
      }
      return null;
    }

    synchronized void fail(String key, long now) {
      Tracker t = trackers.remove(key);
      if (t == null || t.forgiven(now, windowMillis)) {
        t = new Tracker(maxFailures, settings.initialBackoff().toMillis());
      }
      trackers.put(key, t); // last: most recent failure
      int recent = t.add(now, windowMillis);
      if (recent >= maxFailures && now >= t.blockedUntil) {
        t.blockedUntil = now + t.nextBackoffMillis;
        t.failuresAtBlock = recent;
        t.nextBackoffMillis = Math.min(t.nextBackoffMillis * 2, settings.maxBackoff().toMillis());
        blocks.increment();
      }
      while (trackers.size() > settings.maxTrackedKeys()) {
        trackers.pollFirstEntry();
      }
    }

    synchronized void clear(String key) {
      trackers.remove(key);
    }

    synchronized int size() {
      return trackers.size();
    }
  }

  /** The last {@code maxFailures} failure times of one key, and its block. */
  private static final class Tracker {
    private final long[] times;
    private int next;
    private int count;
    private long lastFailure;
    long blockedUntil;
    int failuresAtBlock;
    long nextBackoffMillis;

    Tracker(int maxFailures, long initialBackoffMillis) {
      this.times = new long[maxFailures];
      this.nextBackoffMillis = initialBackoffMillis;
    }

    /** Records a failure; returns the failures within the window ending now. */
    int add(long now, long windowMillis) {
      times[next] = now;
      next = (next + 1) % times.length;
      count = Math.min(count + 1, times.length);
      lastFailure = now;
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
      return now >= blockedUntil && now - lastFailure >= windowMillis;
    }
  }
}
