package dev.switchboard.hub.acl;

import dev.switchboard.hub.registry.model.AccessRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the {@link RuleAuthorizer} needs to know of a client, carried as {@link
 * dev.switchboard.broker.auth.Principal#access()}: the device whose credentials it used, whose
 * rules are read from the directory at every check (so rule changes apply to connected clients),
 * and the rules it brought itself (a token's ACL claim).
 *
 * <p>It also caches, for its one connection, rule filters with {@code %c} and {@code %u} put in,
 * and the rules the directory had for it at its last check: one instance per authenticated
 * connection, never shared between clients.
 */
public final class ClientAccess {
  /** A rule that cannot apply to this client ({@code %u} for a client without a user name). */
  static final String NEVER = new String("\0never"); // compared by identity; no filter has a NUL

  /**
   * A rule whose client id or user name has a wildcard character: put in, it would widen the rule
   * ("devices/%c/#" for the client id "+" would be every device's). It matches nothing to allow and
   * everything to deny.
   */
  static final String UNSAFE = new String("\0unsafe");

  private static final int MAX_CACHED = 256;

  private final String deviceClientId;
  private final List<AccessRule> ownRules;
  // Made at the first rule with %c or %u this client meets: most clients never meet one, and an
  // empty map on every connection cost 64 bytes of its idle footprint. Two threads making it at
  // once lose one map's entries, which are only a cache.
  private volatile ConcurrentHashMap<String, String> substituted;
  private volatile String cachedFor; // the client id the cache was filled for
  private volatile Rules rules; // this client's rules as of a directory's epoch

  /**
   * This client's device rules and its hub's global rules as the directory answered them at {@code
   * epoch}, kept while the directory's {@link
   * dev.switchboard.hub.registry.model.DeviceDirectory#rulesEpoch()} stays that object.
   */
  record Rules(Object epoch, List<AccessRule> device, List<AccessRule> global) {}

  /**
   * @param deviceClientId the client id of the device whose credentials the client used; null when
   *     it used none (anonymous, a token or a certificate without a device)
   * @param ownRules rules of the client's own (a token's), evaluated before the device's and the
   *     global ones of equal priority; their {@code clientId} field is not consulted
   */
  public ClientAccess(String deviceClientId, List<AccessRule> ownRules) {
    this.deviceClientId = deviceClientId;
    List<AccessRule> sorted = new ArrayList<>(ownRules);
    sorted.sort((a, b) -> Integer.compare(a.priority(), b.priority())); // stable
    this.ownRules = List.copyOf(sorted);
  }

  /** A client with no device and no rules of its own: global rules only. */
  public static ClientAccess globalOnly() {
    return new ClientAccess(null, List.of());
  }

  public String deviceClientId() {
    return deviceClientId;
  }

  public List<AccessRule> ownRules() {
    return ownRules;
  }

  /** The rules kept for {@code epoch}, or null when none are (or they are of another epoch). */
  Rules rules(Object epoch) {
    Rules r = rules;
    return r != null && r.epoch() == epoch ? r : null;
  }

  void keep(Rules r) {
    rules = r; // immutable: another thread sees all of it or the earlier one
  }

  /**
   * {@code filter} for this client: {@link #NEVER}, {@link #UNSAFE}, or the filter with {@code %c}
   * and {@code %u} put in.
   */
  String filterFor(String filter, String clientId, String username) {
    if (filter.indexOf('%') < 0) {
      return filter;
    }
    if (clientId == null) {
      return substitute(filter, null, username);
    }
    String owner = cachedFor;
    if (owner == null) {
      cachedFor = clientId; // the first caller names the connection
      owner = clientId;
    }
    if (!owner.equals(clientId)) {
      return substitute(filter, clientId, username); // not this connection's: no caching
    }
    ConcurrentHashMap<String, String> cache = substituted;
    if (cache == null) {
      cache = new ConcurrentHashMap<>();
      substituted = cache;
    }
    String known = cache.get(filter);
    if (known != null) {
      return known;
    }
    String s = substitute(filter, clientId, username);
    if (cache.size() >= MAX_CACHED) {
      cache.clear(); // rules come and go; keep only the ones in use
    }
    cache.put(filter, s);
    return s;
  }

  static String substitute(String filter, String clientId, String username) {
    StringBuilder out = new StringBuilder(filter.length() + 16);
    for (int i = 0; i < filter.length(); i++) {
      char c = filter.charAt(i);
      if (c == '%' && i + 1 < filter.length()) {
        char k = filter.charAt(i + 1);
        String value = k == 'c' ? clientId : k == 'u' ? username : null;
        if (k == 'c' || k == 'u') {
          if (value == null) {
            return NEVER;
          }
          if (value.indexOf('+') >= 0 || value.indexOf('#') >= 0) {
            return UNSAFE;
          }
          out.append(value);
          i++;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientAccess a
        && Objects.equals(deviceClientId, a.deviceClientId)
        && ownRules.equals(a.ownRules);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceClientId, ownRules);
  }

  @Override
  public String toString() {
    return "ClientAccess[device=" + deviceClientId + ", ownRules=" + ownRules.size() + "]";
  }
}
