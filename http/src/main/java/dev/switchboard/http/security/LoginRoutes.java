package dev.switchboard.http.security;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.auth.AdminLogins;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * {@code POST /api/v1/login}, {@code POST /api/v1/logout} and {@code GET /api/v1/me}: an
 * administrator's session. The cookie is HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it) and Secure over HTTPS; the CSRF token is in the login's answer only.
 */
public final class LoginRoutes {
  private final AdminLogins logins;
  private final AdminSessions sessions;
  private final Credentials credentials;
  private final Json json;

  /** The login's body. */
  public record Login(String username, String password) {}

  /** What a login answers. */
  public record LoggedIn(String username, String hub, String role, String csrfToken) {}

  /** Who the caller is. */
  public record Me(String name, String kind, String hub, String role) {}

  public LoginRoutes(
      AdminLogins logins, AdminSessions sessions, Credentials credentials, Json json) {
    this.logins = logins;
    this.sessions = sessions;
    this.credentials = credentials;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.post("/api/v1/login", Access.PUBLIC, (ctx, c) -> login(ctx)),
        ApiRoute.post("/api/v1/logout", Access.READ, this::logout),
        ApiRoute.get("/api/v1/me", Access.READ, this::me));
  }

  private void login(Context ctx) {
    Login body = json.read(ctx, Login.class);
    if (body.username() == null || body.username().isEmpty()) {
      throw Problem.invalid("username", "a login needs a username");
    }
    if (body.password() == null) {
      throw Problem.invalid("password", "a login needs a password");
    }
    AdminLogins.Outcome outcome =
        logins.login(body.username(), body.password().toCharArray(), address(ctx.ip()));
    switch (outcome) {
      case AdminLogins.Accepted a -> {
        AdminSessions.Session s = sessions.open(a.admin().name());
        Cookie cookie =
            new Cookie(
                Credentials.COOKIE,
                s.token(),
                "/",
                -1,
                ctx.scheme().equals("https"),
                true,
                null,
                SameSite.STRICT);
        ctx.cookie(cookie);
        json.send(
            ctx,
            new LoggedIn(
                a.admin().name(), a.admin().hub(), Values.name(a.admin().role()), s.csrfToken()));
      }
      case AdminLogins.Rejected r ->
          throw new Problem(401, "bad-credentials", null, "wrong user name or password");
      case AdminLogins.Throttled t -> {
        ctx.header("Retry-After", Long.toString(Math.max(1, t.retryAfter().toSeconds())));
        throw new Problem(429, "throttled", null, "too many failed logins; try again later");
      }
    }
  }

  private void logout(Context ctx, Caller caller) {
    if (caller.kind() == Caller.Kind.SESSION) {
      sessions.close(ctx.cookie(Credentials.COOKIE));
      ctx.cookie(
          new Cookie(
              Credentials.COOKIE,
              "",
              "/",
              0,
              ctx.scheme().equals("https"),
              true,
              null,
              SameSite.STRICT));
    }
    ctx.status(204);
  }

  private void me(Context ctx, Caller caller) {
    json.send(
        ctx,
        new Me(
            caller.name(),
            caller.kind() == Caller.Kind.API_KEY ? "api-key" : "session",
            caller.hub(),
            Values.name(caller.role())));
  }

  private static InetAddress address(String ip) {
    try {
      // a literal from the socket: no lookup
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The credentials, for routes that accept a caller optionally ({@code /metrics}). */
  public Credentials credentials() {
    return credentials;
  }
}
