package dev.switchboard.hub.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers recent successful password checks for a short while, so that a reconnect storm (a
 * thousand devices coming back after a network blip) does not run Argon2 a thousand times.
 *
 * <p>What is kept per user name: the stored hash the password was checked against, and an
 * HMAC-SHA256 of the password under a key drawn at random when this cache is made (never the
 * password, nor anything that outlives the process). A hit needs the same user name, the same
 * stored hash (so a password change misses without being told) and the same password. {@link
 * #invalidate} drops a user at once when its device changes.
 *
 * <p>Entries expire {@code ttl} after they were stored; at most {@code maxEntries} are kept, the
 * oldest going first. The lookups are short and non-blocking enough for an event loop: one HMAC of
 * the password, one map access under a lock held for nothing else.
 */
public final class SuccessCache {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  private record Entry(String storedHash, byte[] digest, long expiresAtMillis) {}

  private final Clock clock;
  private final long ttlMillis;
  private final int maxEntries;
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(); // oldest first
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** Five minutes, 100000 entries, the system clock. */
  public SuccessCache() {
    this(Clock.systemUTC(), DEFAULT_TTL, DEFAULT_MAX_ENTRIES);
  }

  /**
   * @param ttl how long a success counts; zero turns the cache off
   * @param maxEntries how many users are remembered at most
   */
  public SuccessCache(Clock clock, Duration ttl, int maxEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("the password cache time cannot be negative: " + ttl);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          "the password cache must hold at least 1 entry, not " + maxEntries);
    }
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The name the cache knows an account by: the same user name in two hubs is two accounts. */
  public static String account(String hub, String username) {
    return hub + '\0' + username;
  }

  /** Whether {@code username} logged in with {@code password} against {@code storedHash} lately. */
  public boolean contains(String username, String storedHash, byte[] password) {
    if (ttlMillis == 0 || username == null || storedHash == null) {
      return false;
    }
    Entry e;
    synchronized (entries) {
      e = entries.get(username);
      if (e != null && clock.millis() >= e.expiresAtMillis()) {
        entries.remove(username);
        e = null;
      }
    }
    boolean hit =
        e != null
            && e.storedHash().equals(storedHash)
            && MessageDigest.isEqual(e.digest(), digest(password));
    (hit ? hits : misses).increment();
    return hit;
  }

  /**
   * A key naming one check (a user, a stored hash, a password), for telling identical checks under
   * way apart from others; it holds an HMAC of the password, never the password.
   */
  public String checkKey(String username, String storedHash, byte[] password) {
    return username + '\0' + storedHash + '\0' + HexFormat.of().formatHex(digest(password));
  }

  /** Remembers that {@code password} was checked right against {@code storedHash}. */
  public void put(String username, String storedHash, byte[] password) {
    if (ttlMillis == 0 || username == null || storedHash == null) {
      return;
    }
    byte[] digest = digest(password);
    synchronized (entries) {
      long now = clock.millis();
      entries.remove(username); // re-inserted last: the order stays the order of expiry
      entries.put(username, new Entry(storedHash, digest, now + ttlMillis));
      Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
      while (oldest.hasNext()) {
        Map.Entry<String, Entry> head = oldest.next();
        if (entries.size() > maxEntries || now >= head.getValue().expiresAtMillis()) {
          oldest.remove();
        } else {
          break;
        }
      }
    }
  }

  /** Forgets {@code username}: its device changed. */
  public void invalidate(String username) {
    synchronized (entries) {
      entries.remove(username);
    }
  }

  /** Forgets everyone. */
  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }

  /** How many users are remembered now (some may have expired and not been dropped yet). */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  byte[] digest(byte[] password) {
    return macs.get().doFinal(password);
  }
}
