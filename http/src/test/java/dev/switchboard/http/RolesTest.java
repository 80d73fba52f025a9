package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route with every role: anonymous, the server's owner, admin and viewer, team3's (the hub in
 * the paths) and team4's (another hub). The path parameters name things that do not exist (but the
 * hub), so that an allowed call fails harmlessly on its own grounds (400, 404 for the device, 409)
 * while a refused one is refused before: 401 without credentials, 404 "no hub" for another hub's
 * caller (the policy: hub names do not leak), 403 for a role that does not allow it.
 */
class RolesTest {
  static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.withBroker();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  /** What the policy says for {@code caller} on {@code route}: "ok", "401", "403" or "404". */
  static String expected(ApiRoute route, String caller) {
    if (route.access() == Access.PUBLIC) {
      return "ok";
    }
    if (caller == null) {
      return "401";
    }
    String scope = caller.substring(0, caller.indexOf('-'));
    String role = caller.substring(caller.indexOf('-') + 1);
    boolean server = scope.equals("server");
    if (route.hubScoped() && !server && !scope.equals("team3")) {
      return "404";
    }
    boolean serverOnlyPath =
        route.path().startsWith("/api/v1/admins") || route.path().startsWith("/api/v1/api-keys");
    boolean allowed =
        switch (route.access()) {
          case PUBLIC -> true;
          case READ -> true;
          case WRITE -> !role.equals("viewer");
          case OWNER -> role.equals("owner") && (server || !serverOnlyPath);
          case SERVER_READ -> server;
          case SERVER_WRITE -> server && !role.equals("viewer");
        };
    return allowed ? "ok" : "403";
  }

  @Test
  void everyRouteWithEveryRoleFollowsThePolicy() {
    List<String> callers = new ArrayList<>();
    callers.add(null);
    callers.addAll(api.tokens.keySet());
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (ApiRoute route : api.server.routes()) {
      if (route.path().equals("/api/v1/logout")) {
        continue; // ends nothing for a key; covered by SecurityTest
      }
      String path =
          route
              .path()
              .replace("{hub}", "team3")
              .replace("{clientId}", "no-such-device")
              .replace("{name}", "no-such-admin")
              .replace("{id}", "k_0000000000000000");
      for (String caller : callers) {
        Http http = caller == null ? api.anonymous() : api.as(caller);
        Http.Answer a =
            route.method().equals("GET")
                ? http.get(path)
                : http.send(route.method(), path, "{}", "application/json");
        String want = expected(route, caller);
        String got =
            a.status() == 401
                ? "401"
                : a.status() == 403 && !"csrf-token-required".equals(a.code())
                    ? "403"
                    : a.status() == 404 && a.body().contains("no hub 'team3'") ? "404" : "ok";
        if (!want.equals(got)) {
          failures.add(
              route.method()
                  + " "
                  + route.path()
                  + " as "
                  + caller
                  + ": expected "
                  + want
                  + ", got "
                  + a.status()
                  + " "
                  + a.body());
        }
        assertThat(a.status()).as(route.method() + " " + path + " as " + caller).isLessThan(500);
        checked++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isGreaterThan(300);
    // and nothing of team3 was lost on the way
    assertThat(api.registry.hub("team3")).isPresent();
    assertThat(api.registry.device("team3", "keeper")).isPresent();
  }
}
