package dev.switchboard.http.security;

import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.CallerResolver;
import dev.switchboard.http.api.Problem;
import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.ApiKey;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the caller of a request: an API key ({@code Authorization: Bearer <id>.<secret>}, or Basic
 * with the id as user and the secret as password), else an administrator's session cookie. A
 * session's request that is not a GET or HEAD must send the session's CSRF token in {@code
 * X-CSRF-Token}: a cookie is sent by the browser whoever made the page, the header only by our own
 * console. API keys need no CSRF token: no browser sends them by itself.
 *
 * <p>A checked key is remembered for a few seconds (keyed by the whole token), so that a script's
 * calls in a burst do not read the store each; a revoked key may so keep working that long.
 */
public final class Credentials implements CallerResolver {
  /** The session cookie's name. */
  public static final String COOKIE = "sb_session";

  public static final String CSRF_HEADER = "X-CSRF-Token";

  private static final long KEY_CACHE_MILLIS = 5_000;
  private static final int KEY_CACHE_SIZE = 10_000;

  private final ApiKeys keys;
  private final AdminSessions sessions;
  private final RegistryRepository registry;
  private final Clock clock;
  private final Map<String, CachedKey> checkedKeys = new ConcurrentHashMap<>();

  private record CachedKey(ApiKey key, long checkedAt) {}

  public Credentials(
      ApiKeys keys, AdminSessions sessions, RegistryRepository registry, Clock clock) {
    this.keys = keys;
    this.sessions = sessions;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Caller resolve(Context ctx, ApiRoute route) {
    Caller caller = find(ctx, !isSafe(ctx.method().name()));
    if (caller == null) {
      throw Problem.unauthenticated("log in or send an API key");
    }
    return caller;
  }

  /**
   * The caller, or null when the request carries no credentials at all.
   *
   * @param changes whether the request changes something (a session must then send its CSRF token)
   * @throws Problem 401 for credentials that are wrong, 403 for a missing CSRF token
   */
  public Caller find(Context ctx, boolean changes) {
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      ApiKey key = keyOf(authorization);
      if (key == null) {
        throw Problem.unauthenticated("the API key is unknown, revoked or expired");
      }
      return new Caller(key.id(), Caller.Kind.API_KEY, key.hub(), key.role(), ctx.ip());
    }
    AdminSessions.Session session = sessions.find(ctx.cookie(COOKIE));
    if (session == null) {
      return null;
    }
    Optional<Admin> admin = registry.admin(session.admin());
    if (admin.isEmpty()) {
      sessions.close(session.token());
      return null;
    }
    if (changes && !session.csrfMatches(ctx.header(CSRF_HEADER))) {
      throw new Problem(
          403,
          "csrf-token-required",
          CSRF_HEADER,
          "a change made with a session cookie must send the login's csrfToken in " + CSRF_HEADER);
    }
    Admin a = admin.get();
    return new Caller(a.name(), Caller.Kind.SESSION, a.hub(), a.role(), ctx.ip());
  }

  /** Forgets the checked keys (after a key is revoked here, so that it stops at once). */
  public void forgetKeys() {
    checkedKeys.clear();
  }

  private ApiKey keyOf(String authorization) {
    String id;
    String secret;
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).strip();
      int dot = token.indexOf('.');
      if (dot < 0) {
        return null;
      }
      id = token.substring(0, dot);
      secret = token.substring(dot + 1);
    } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      id = decoded.substring(0, colon);
      secret = decoded.substring(colon + 1);
    } else {
      return null;
    }
    String cacheKey = id + "." + secret;
    long now = clock.millis();
    CachedKey cached = checkedKeys.get(cacheKey);
    if (cached != null
        && now - cached.checkedAt() < KEY_CACHE_MILLIS
        && !cached.key().expired(now)) {
      return cached.key();
    }
    Optional<ApiKey> key = keys.check(id, secret);
    if (key.isEmpty()) {
      checkedKeys.remove(cacheKey);
      return null;
    }
    if (checkedKeys.size() >= KEY_CACHE_SIZE) {
      checkedKeys.clear();
    }
    checkedKeys.put(cacheKey, new CachedKey(key.get(), now));
    return key.get();
  }

  private static boolean isSafe(String method) {
    return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
  }
}
