package dev.switchboard.http.api;

import io.javalin.http.Context;

/** Finds who sent a request to a route that is not public, from its cookie or credentials. */
@FunctionalInterface
public interface CallerResolver {
  /**
   * The caller.
   *
   * @throws Problem 401 when no valid credentials came with the request; 403 when a session's
   *     state-changing request lacks its CSRF token
   */
  Caller resolve(Context ctx, ApiRoute route);
}
