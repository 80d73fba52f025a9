package dev.switchboard.http.api;

/**
 * Who may call a route. Roles come from the registry's administrators ({@code owner}, {@code
 * admin}, {@code viewer}); an API key carries one of them too. A route under {@code
 * /api/v1/hubs/{hub}} also checks that the caller's scope covers the hub.
 */
public enum Access {
  /** Anyone, without credentials: health, the OpenAPI document, login. */
  PUBLIC,
  /** Any authenticated caller, {@code viewer} included: reads. */
  READ,
  /** {@code admin} or {@code owner}: changes. */
  WRITE,
  /** {@code owner} only: administrators and API keys. */
  OWNER,
  /** Server-wide callers with any role: reads across hubs. */
  SERVER_READ,
  /** Server-wide {@code admin} or {@code owner}: adding, changing and removing hubs. */
  SERVER_WRITE;

  /** Whether a route of this access changes something (and so needs the CSRF token). */
  public boolean changes() {
    return this == WRITE || this == OWNER || this == SERVER_WRITE;
  }
}
