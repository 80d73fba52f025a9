package dev.switchboard.hub.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The addresses each user name logged in from lately, which the {@link LoginThrottle} exempts from
 * that user name's ceiling: during a distributed attack on a device's user name, the device keeps
 * getting in from where it usually connects.
 *
 * <p>An entry lasts {@code ttl} from the last login it records; at most {@code maxEntries} are
 * kept, the oldest going first. Not thread-safe: the throttle calls it under its own lock.
 */
final class KnownAddresses {
  private final long ttlMillis;
  private final int maxEntries;
  private final LinkedHashMap<UserAtAddress, Long> expiries = new LinkedHashMap<>(); // oldest first

  /**
   * @param ttl how long a login makes its address known; zero remembers nothing
   * @param maxEntries how many (user name, address) pairs are kept at most
   */
  KnownAddresses(Duration ttl, int maxEntries) {
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
  }

  /** {@code username} logged in from {@code address} (an address key of the throttle) now. */
  void remember(String username, String address, long now) {
    if (ttlMillis == 0) {
      return;
    }
    UserAtAddress key = new UserAtAddress(username, address);
    expiries.remove(key); // re-inserted last: the order stays the order of expiry
    expiries.put(key, now + ttlMillis);
    Iterator<Map.Entry<UserAtAddress, Long>> oldest = expiries.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<UserAtAddress, Long> head = oldest.next();
      if (expiries.size() > maxEntries || now >= head.getValue()) {
        oldest.remove();
      } else {
        break;
      }
    }
  }

  /** Whether {@code username} logged in from {@code address} lately. */
  boolean contains(String username, String address, long now) {
    UserAtAddress key = new UserAtAddress(username, address);
    Long expiry = expiries.get(key);
    if (expiry != null && now >= expiry) {
      expiries.remove(key);
      return false;
    }
    return expiry != null;
  }

  int size() {
    return expiries.size();
  }
}
