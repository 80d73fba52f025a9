package dev.switchboard.http.api;

import dev.switchboard.hub.registry.model.AdminRole;

/**
 * Who sent a request, once their credentials are checked.
 *
 * @param name the administrator's name, or the API key's id
 * @param kind how they proved it
 * @param hub the hub they may act on; null for the whole server
 * @param role what they may do there
 * @param source the address the request came from, for the audit log
 */
public record Caller(String name, Kind kind, String hub, AdminRole role, String source) {

  /** How a caller proved who they are. */
  public enum Kind {
    /** An administrator's session cookie (state-changing requests need the CSRF token). */
    SESSION,
    /** An API key, as a Bearer token or Basic credentials. */
    API_KEY,
    /** Nobody: a public route. */
    ANONYMOUS
  }

  /** The caller of a public route. */
  public static Caller anonymous(String source) {
    return new Caller("anonymous", Kind.ANONYMOUS, null, AdminRole.VIEWER, source);
  }

  public boolean serverWide() {
    return hub == null;
  }

  /** Whether their scope covers {@code hubName}. */
  public boolean sees(String hubName) {
    return hub == null || hub.equals(hubName);
  }

  /** Whether their role allows {@code access} (the hub scope is checked apart). */
  public boolean may(Access access) {
    return switch (access) {
      case PUBLIC -> true;
      case READ -> kind != Kind.ANONYMOUS;
      case WRITE -> kind != Kind.ANONYMOUS && role != AdminRole.VIEWER;
      case OWNER -> kind != Kind.ANONYMOUS && role == AdminRole.OWNER;
      case SERVER_READ -> kind != Kind.ANONYMOUS && hub == null;
      case SERVER_WRITE -> kind != Kind.ANONYMOUS && hub == null && role != AdminRole.VIEWER;
    };
  }

  /** {@code admin alice} or {@code api key k_1a2b}: who did it, in the audit log. */
  public String describe() {
    return (kind == Kind.API_KEY ? "key:" : "admin:") + name;
  }
}
