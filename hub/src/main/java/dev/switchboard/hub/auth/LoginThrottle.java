package dev.switchboard.hub.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Slows down password guessing, so that a guesser slows only themselves.
 *
 * <p>Failed logins are counted in a sliding window under three keys, each with its own limit:
 *
 * <ol>
 *   <li>a user name from one address: the guesser's own pair, the tightest limit;
 *   <li>an address, whatever the user names;
 *   <li>a user name from every address: a far higher ceiling, which only a distributed attack
 *       reaches; addresses that user name logged in from lately ({@link KnownAddresses}) are exempt
 *       from it, so that its device keeps getting in during such an attack.
 * </ol>
 *
 * Once a key reaches its limit, its further attempts are refused at once, without hashing, for a
 * backoff period that doubles at every new block (1 s, 2 s, 4 s... up to a maximum) and starts
 * again from the beginning once a whole window has passed without a failure.
 *
 * <p>An attempt counts from the moment it starts checking a password, not from when its hash ends:
 * {@link #start} refuses a key whose failures and attempts under way together reach its limit,
 * {@link Attempt#beginCheck} reserves the attempt on every key before the hash is queued, and the
 * attempt's outcome settles the reservation. So guesses sent in parallel are refused beyond the
 * limit just as guesses sent one after the other. The checks under way from one address are bounded
 * as well ({@link Settings#checksPerAddress}), so that a burst from one address cannot fill the
 * verification queue and make everyone else wait or be told "server busy".
 *
 * <p>An IPv6 address counts as its /64 network, the block an ISP hands one customer, so an attacker
 * cannot escape its count by hopping through addresses it owns. A successful login clears its
 * pair's count and makes its address known for the user name; it does not clear its address's count
 * (one valid account must not reset an address's guesses) nor its user name's ceiling (guesses from
 * elsewhere are still guesses).
 *
 * <p>Memory is bounded: at most {@code maxTrackedKeys} keys of each kind (pairs, addresses, user
 * names, known addresses) are tracked; beyond that the one whose last activity is oldest is
 * forgotten. Every method may be called from any thread; the state is guarded by one lock, held
 * only for a few map operations.
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
   * @param perUserAtAddress the limit per user name from one source address
   * @param perAddress the limit per source address (an IPv6 /64)
   * @param perUsername the limit per user name from every address but its known ones
   * @param checksPerAddress how many password checks from one address may be under way at once
   * @param knownAddressTtl how long a successful login exempts its address from its user name's
   *     limit; zero for never
   * @param initialBackoff the first block's length
   * @param maxBackoff the longest block
   * @param maxTrackedKeys how many keys of each kind are tracked at most
   */
  public record Settings(
      Limit perUserAtAddress,
      Limit perAddress,
      Limit perUsername,
      int checksPerAddress,
      Duration knownAddressTtl,
      Duration initialBackoff,
      Duration maxBackoff,
      int maxTrackedKeys) {
    /**
     * Per minute: 5 failures per user name and address, 10 per address, 100 per user name; 8 checks
     * at once per address; known addresses for 7 days; blocks from 1 s to 5 min.
     */
    public static final Settings DEFAULT =
        new Settings(
            new Limit(5, Duration.ofMinutes(1)),
            new Limit(10, Duration.ofMinutes(1)),
            new Limit(100, Duration.ofMinutes(1)),
            8,
            Duration.ofDays(7),
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            100_000);

    public Settings {
      Objects.requireNonNull(perUserAtAddress, "perUserAtAddress");
      Objects.requireNonNull(perAddress, "perAddress");
      Objects.requireNonNull(perUsername, "perUsername");
      if (checksPerAddress < 1) {
        throw new IllegalArgumentException(
            "the password checks at once per address must be at least 1, not " + checksPerAddress);
      }
      if (knownAddressTtl.isNegative()) {
        throw new IllegalArgumentException(
            "the time an address stays known cannot be negative: " + knownAddressTtl);
      }
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

  /** What {@link #start} answers: a {@link Block}, or an {@link Attempt} that may go ahead. */
  public sealed interface Admission permits Block, Attempt {}

  /** Why {@link Attempt#beginCheck} refused: a {@link Block}, or a {@link Busy} address. */
  public sealed interface Refused permits Block, Busy {
    /** One line for the log. */
    String reason();
  }

  /**
   * An attempt refused because a key is over its limit.
   *
   * @param subject what is over: {@code address 192.0.2.1}, {@code user 'x'} or {@code user 'x'
   *     from address 192.0.2.1}
   * @param failures the failures that started the block; or, when {@code underWay} is not zero, the
   *     failures in the window
   * @param underWay the attempts under way that, with the failures, reach the limit; zero when a
   *     block is on
   * @param remaining how long the block still lasts; zero when no block is on
   */
  public record Block(String subject, int failures, int underWay, Duration remaining)
      implements Admission, Refused {
    /**
     * One line for the log: {@code throttled after 10 failed logins from address 192.0.2.1}, or
     * {@code throttled: 5 logins under way and 0 failed for user 'x' from address 192.0.2.1}.
     */
    @Override
    public String reason() {
      String preposition = subject.startsWith("user") ? "for " : "from ";
      if (underWay > 0) {
        return "throttled: "
            + underWay
            + " logins under way and "
            + failures
            + " failed "
            + preposition
            + subject;
      }
      return "throttled after " + failures + " failed logins " + preposition + subject;
    }
  }

  /**
   * A check refused because its address has as many under way as it may.
   *
   * @param address the address key
   * @param checks the checks under way from it
   */
  public record Busy(String address, int checks) implements Refused {
    /**
     * One line for the log: {@code 8 logins under way from address 192.0.2.1, its most at once}.
     */
    @Override
    public String reason() {
      return checks + " logins under way from address " + address + ", its most at once";
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final Object lock = new Object();
  // all guarded by lock
  private final ThrottleKeys<UserAtAddress> pairs;
  private final ThrottleKeys<String> addresses;
  private final ThrottleKeys<String> usernames;
  private final KnownAddresses known;
  private final Map<String, Integer> checksByAddress = new HashMap<>();
  private int attemptsUnderWay;

  private final LongAdder failures = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder busy = new LongAdder();
  private final LongAdder blocks = new LongAdder();

  public LoginThrottle() {
    this(Settings.DEFAULT, Clock.systemUTC());
  }

  public LoginThrottle(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pairs =
        keys(
            settings.perUserAtAddress(),
            k -> "user '" + k.username() + "' from address " + k.address());
    this.addresses = keys(settings.perAddress(), k -> "address " + k);
    this.usernames = keys(settings.perUsername(), k -> "user '" + k + "'");
    this.known = new KnownAddresses(settings.knownAddressTtl(), settings.maxTrackedKeys());
  }

  private <K> ThrottleKeys<K> keys(Limit limit, Function<K, String> describe) {
    return new ThrottleKeys<>(
        limit,
        settings.initialBackoff(),
        settings.maxBackoff(),
        settings.maxTrackedKeys(),
        describe);
  }

  /**
   * Whether an attempt from {@code address} as {@code username} may go ahead now. An attempt let
   * through reserves nothing yet (a cache hit, or a check joining an identical one under way, costs
   * no hash); it must be settled once, by one of its methods.
   *
   * @param address the source; null when unknown
   * @param username the claimed user name; null when none (or when it is not what is checked)
   * @return a block, counted as a throttled attempt; or the attempt
   */
  public Admission start(InetAddress address, String username) {
    String addressKey = address == null ? null : addressKey(address);
    long now = clock.millis();
    synchronized (lock) {
      boolean knownAddress =
          username != null && addressKey != null && known.contains(username, addressKey, now);
      Block block = refusal(addressKey, username, knownAddress, now);
      if (block != null) {
        throttled.increment();
        return block;
      }
      return new Attempt(addressKey, username, knownAddress);
    }
  }

  private Block refusal(String address, String username, boolean knownAddress, long now) {
    Block block = null;
    if (username != null && address != null) {
      block = pairs.refusal(new UserAtAddress(username, address), now);
    }
    if (block == null && address != null) {
      block = addresses.refusal(address, now);
    }
    if (block == null && username != null && !knownAddress) {
      block = usernames.refusal(username, now);
    }
    return block;
  }

  private void countBlock(boolean started) {
    if (started) {
      blocks.increment();
    }
  }

  /** Failed logins recorded. */
  public long failures() {
    return failures.sum();
  }

  /**
   * Attempts refused because of a block, or because a key's attempts under way reached its limit.
   */
  public long throttled() {
    return throttled.sum();
  }

  /** Checks refused because their address had as many under way as it may. */
  public long busyRefusals() {
    return busy.sum();
  }

  /** Blocks started. */
  public long blocks() {
    return blocks.sum();
  }

  /** Pairs, addresses and user names tracked now. */
  public int tracked() {
    synchronized (lock) {
      return pairs.size() + addresses.size() + usernames.size();
    }
  }

  /** (User name, address) pairs remembered as known now. */
  public int knownAddresses() {
    synchronized (lock) {
      return known.size();
    }
  }

  /** Attempts that began a check and are not settled yet. */
  public int underWay() {
    synchronized (lock) {
      return attemptsUnderWay;
    }
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

  /** One key's reservation of an attempt; released when the attempt settles. */
  private record Reservation<K>(ThrottleKeys<K> keys, K key, ThrottleKeys.Tracker tracker) {
    static <K> Reservation<K> on(ThrottleKeys<K> keys, K key) {
      return new Reservation<>(keys, key, keys.reserve(key));
    }

    void release(long now) {
      keys.release(key, tracker, now);
    }
  }

  private enum Verdict {
    SUCCESS,
    FAILURE,
    UNKNOWN_USER,
    NONE
  }

  /**
   * An attempt let through by {@link #start}. Before a password is hashed for it, {@link
   * #beginCheck} counts it as under way; then exactly one of {@link #succeeded}, {@link #failed},
   * {@link #failedForUnknownUser} or {@link #abandoned} settles it (any later call does nothing).
   */
  public final class Attempt implements Admission {
    private final String address;
    private final String username;
    private final boolean knownAddress;
    // guarded by lock
    private final List<Reservation<?>> reservations = new ArrayList<>(3);
    private boolean checking;
    private boolean settled;

    private Attempt(String address, String username, boolean knownAddress) {
      this.address = address;
      this.username = username;
      this.knownAddress = knownAddress;
    }

    /**
     * Counts this attempt as under way on each of its keys and on its address's checks, before its
     * password is hashed; checks the limits again in the same step, as other attempts may have
     * begun since {@link #start}. At most once.
     *
     * @return null when counted; otherwise why not (nothing is counted, and the attempt stays to be
     *     settled)
     */
    public Refused beginCheck() {
      long now = clock.millis();
      synchronized (lock) {
        if (settled || checking) {
          throw new IllegalStateException("a login attempt begins its check once, before settling");
        }
        Block block = refusal(address, username, knownAddress, now);
        if (block != null) {
          throttled.increment();
          return block;
        }
        if (address != null) {
          int checks = checksByAddress.getOrDefault(address, 0);
          if (checks >= settings.checksPerAddress()) {
            busy.increment();
            return new Busy(address, checks);
          }
          checksByAddress.put(address, checks + 1);
          reservations.add(Reservation.on(addresses, address));
          if (username != null) {
            reservations.add(Reservation.on(pairs, new UserAtAddress(username, address)));
          }
        }
        if (username != null && !knownAddress) {
          reservations.add(Reservation.on(usernames, username));
        }
        checking = true;
        attemptsUnderWay++;
        return null;
      }
    }

    /** The password was right: clears the pair's count, and makes the address known. */
    public void succeeded() {
      settle(Verdict.SUCCESS);
    }

    /** A wrong password or token: a failure on each of the attempt's keys. */
    public void failed() {
      settle(Verdict.FAILURE);
    }

    /**
     * A password for a user name nobody has: a failure for the pair and the address, not for the
     * user name (made-up names would fill its table and push real ones out).
     */
    public void failedForUnknownUser() {
      settle(Verdict.UNKNOWN_USER);
    }

    /**
     * Neither a success nor a guess (a certificate, a policy refusal, a full queue, an unreadable
     * hash, an unexpected error): only ends the attempt.
     */
    public void abandoned() {
      settle(Verdict.NONE);
    }

    private void settle(Verdict verdict) {
      long now = clock.millis();
      synchronized (lock) {
        if (settled) {
          return;
        }
        settled = true;
        for (Reservation<?> r : reservations) {
          r.release(now);
        }
        if (checking) {
          attemptsUnderWay--;
          if (address != null) {
            checksByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
          }
        }
        switch (verdict) {
          case SUCCESS -> {
            if (username != null && address != null) {
              pairs.forgive(new UserAtAddress(username, address));
              known.remember(username, address, now);
            }
          }
          case FAILURE, UNKNOWN_USER -> {
            failures.increment();
            if (username != null && address != null) {
              countBlock(pairs.fail(new UserAtAddress(username, address), now));
            }
            if (address != null) {
              countBlock(addresses.fail(address, now));
            }
            if (username != null && verdict == Verdict.FAILURE) {
              countBlock(usernames.fail(username, now));
            }
          }
          case NONE -> {}
        }
      }
    }
  }
}
