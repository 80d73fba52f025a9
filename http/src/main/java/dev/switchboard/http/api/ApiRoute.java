package dev.switchboard.http.api;

import java.util.Locale;

/**
 * One route of the API: its method and path (Javalin's syntax, {@code {hub}} for a parameter, as
 * OpenAPI writes it), who may call it, and its handler. Routes are declared as data so that the
 * server registers exactly the routes the OpenAPI document is checked against.
 *
 * @param method GET, POST, PUT, PATCH or DELETE
 * @param path the path, {@code /api/v1/hubs/{hub}/devices}
 * @param access who may call it; on a path with {@code {hub}} the caller's scope must cover the hub
 * @param handler the work
 */
public record ApiRoute(String method, String path, Access access, ApiHandler handler) {

  public ApiRoute {
    method = method.toUpperCase(Locale.ROOT);
  }

  public static ApiRoute get(String path, Access access, ApiHandler handler) {
    return new ApiRoute("GET", path, access, handler);
  }

  public static ApiRoute post(String path, Access access, ApiHandler handler) {
    return new ApiRoute("POST", path, access, handler);
  }

  public static ApiRoute put(String path, Access access, ApiHandler handler) {
    return new ApiRoute("PUT", path, access, handler);
  }

  public static ApiRoute patch(String path, Access access, ApiHandler handler) {
    return new ApiRoute("PATCH", path, access, handler);
  }

  public static ApiRoute delete(String path, Access access, ApiHandler handler) {
    return new ApiRoute("DELETE", path, access, handler);
  }

  /** Whether the path names a hub the caller's scope must cover. */
  public boolean hubScoped() {
    return path.contains("{hub}");
  }
}
