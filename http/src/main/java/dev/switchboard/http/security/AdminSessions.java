package dev.switchboard.http.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Administrators' sessions: a random token (the cookie) per login, with the CSRF token the login
 * answered, forgotten after a time without requests or at logout. In memory: a restart logs
 * everyone out, which a console survives by logging in again. Bounded: past {@code maxSessions} the
 * idle ones are dropped first.
 */
public final class AdminSessions {
  private static final int MAX_SESSIONS = 10_000;

  private final Clock clock;
  private final long idleMillis;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  /**
   * One session.
   *
   * @param admin the administrator's name (their role and hub are read again at every request)
   * @param csrfToken what state-changing requests must send in {@code X-CSRF-Token}
   */
  public record Session(String token, String admin, String csrfToken, long lastUsed) {
    /** Whether {@code header} is this session's CSRF token (compared in constant time). */
    public boolean csrfMatches(String header) {
      return header != null && MessageDigest.isEqual(header.getBytes(), csrfToken.getBytes());
    }
  }

  public AdminSessions(Clock clock, Duration idle) {
    this.clock = clock;
    this.idleMillis = idle.toMillis();
  }

  /** A new session for {@code admin}. */
  public Session open(String admin) {
    if (sessions.size() >= MAX_SESSIONS) {
      sweep();
    }
    Session s = new Session(token(), admin, token(), clock.millis());
    sessions.put(s.token(), s);
    return s;
  }

  /** The live session of {@code token}, its idle time reset; null when none. */
  public Session find(String token) {
    if (token == null) {
      return null;
    }
    Session s = sessions.get(token);
    if (s == null) {
      return null;
    }
    long now = clock.millis();
    if (now - s.lastUsed() > idleMillis) {
      sessions.remove(token, s);
      return null;
    }
    Session touched = new Session(s.token(), s.admin(), s.csrfToken(), now);
    sessions.replace(token, s, touched);
    return touched;
  }

  public void close(String token) {
    if (token != null) {
      sessions.remove(token);
    }
  }

  /** Ends every session of {@code admin} (removed, or their password changed). */
  public void closeAll(String admin) {
    sessions.values().removeIf(s -> s.admin().equals(admin));
  }

  private void sweep() {
    long now = clock.millis();
    sessions.values().removeIf(s -> now - s.lastUsed() > idleMillis);
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().stream()
          .min(java.util.Comparator.comparingLong(Session::lastUsed))
          .ifPresent(oldest -> sessions.remove(oldest.token()));
    }
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
