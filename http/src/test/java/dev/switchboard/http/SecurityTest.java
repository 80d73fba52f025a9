package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.http.HttpClient;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logins, sessions and CSRF, API keys' life cycle, the audit log. */
class SecurityTest {
  static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = new ApiFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  private static Http browser() {
    return new Http(HttpClient.newBuilder().cookieHandler(new CookieManager()).build(), api.base);
  }

  private static String login(Http http, String name) {
    Http.Answer a =
        http.post("/api/v1/login", Map.of("username", name, "password", ApiFixture.PASSWORD));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().path("csrfToken").asText();
  }

  @Test
  void aLoginSetsAStrictHttpOnlyCookieAndAnswersTheCsrfToken() {
    Http http = browser();
    Http.Answer a =
        http.post(
            "/api/v1/login", Map.of("username", "team3-admin", "password", ApiFixture.PASSWORD));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().path("csrfToken").asText()).hasSizeGreaterThan(20);
    assertThat(a.json().path("hub").asText()).isEqualTo("team3");
    assertThat(a.json().path("role").asText()).isEqualTo("admin");
    String cookie = a.header("Set-Cookie");
    assertThat(cookie).startsWith("sb_session=").contains("HttpOnly").contains("SameSite=Strict");
    assertThat(cookie).doesNotContain("Secure"); // plain HTTP; see HttpsTest for Secure

    Http.Answer me = http.get("/api/v1/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().path("name").asText()).isEqualTo("team3-admin");
  }

  @Test
  void aChangeWithTheCookieButWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
    Http http = browser();
    String csrf = login(http, "team3-admin");
    Map<String, Object> device = Map.of("clientId", "csrf-1", "password", "pw");

    Http.Answer refused = http.post("/api/v1/hubs/team3/devices", device);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("csrf-token-required");
    assertThat(refused.field()).isEqualTo("X-CSRF-Token");
    Http.Answer wrong =
        http.send(
            "POST",
            "/api/v1/hubs/team3/devices",
            device,
            "application/json",
            Map.of("X-CSRF-Token", "not-it"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(api.registry.device("team3", "csrf-1")).isEmpty();

    Http.Answer made =
        http.send(
            "POST",
            "/api/v1/hubs/team3/devices",
            device,
            "application/json",
            Map.of("X-CSRF-Token", csrf));
    assertThat(made.status()).isEqualTo(201);
    assertThat(api.registry.device("team3", "csrf-1")).isPresent();
  }

  @Test
  void logoutEndsTheSession() {
    Http http = browser();
    String csrf = login(http, "server-viewer");
    assertThat(http.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(
            http.send("POST", "/api/v1/logout", null, null, Map.of("X-CSRF-Token", csrf)).status())
        .isEqualTo(204);
    assertThat(http.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void aWrongPasswordIsRefusedAndRepeatedFailuresAreThrottled() {
    Http http = browser();
    Http.Answer wrong =
        http.post("/api/v1/login", Map.of("username", "team4-viewer", "password", "nope"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.code()).isEqualTo("bad-credentials");
    Http.Answer unknown =
        http.post("/api/v1/login", Map.of("username", "nobody-at-all", "password", "nope"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body()).isEqualTo(wrong.body()); // which names exist is not told

    int status = 401;
    for (int i = 0; i < 10 && status == 401; i++) {
      status =
          http.post("/api/v1/login", Map.of("username", "team4-viewer", "password", "guess" + i))
              .status();
    }
    assertThat(status).isEqualTo(429);
    Http.Answer blocked =
        http.post(
            "/api/v1/login", Map.of("username", "team4-viewer", "password", ApiFixture.PASSWORD));
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.code()).isEqualTo("throttled");
    assertThat(blocked.header("Retry-After")).isNotNull();
    // another administrator from the same address still gets in
    login(browser(), "team3-owner");
  }

  @Test
  void anApiKeyIsShownOnceWorksAsBearerAndBasicAndStopsWhenRevoked() {
    Http owner = api.as("team3-owner");
    Http.Answer made =
        owner.post("/api/v1/hubs/team3/api-keys", Map.of("role", "admin", "label", "ci"));
    assertThat(made.status()).isEqualTo(201);
    String id = made.json().path("key").path("id").asText();
    String secret = made.json().path("secret").asText();
    String token = made.json().path("token").asText();
    assertThat(token).isEqualTo(id + "." + secret);

    Http.Answer listed = owner.get("/api/v1/hubs/team3/api-keys");
    assertThat(listed.body()).contains(id).doesNotContain(secret);
    assertThat(api.registry.apiKey(id).orElseThrow().secretHash()).doesNotContain(secret);

    Http bearer = new Http(api.base);
    bearer.headers.put("Authorization", "Bearer " + token);
    assertThat(bearer.get("/api/v1/me").json().path("name").asText()).isEqualTo(id);
    assertThat(bearer.post("/api/v1/hubs/team3/devices", Map.of("clientId", "by-key")).status())
        .isEqualTo(201);
    Http basic = new Http(api.base);
    basic.headers.put(
        "Authorization",
        "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes()));
    assertThat(basic.get("/api/v1/hubs/team3/devices/by-key").status()).isEqualTo(200);
    Http wrongSecret = new Http(api.base);
    wrongSecret.headers.put("Authorization", "Bearer " + id + ".x" + secret);
    assertThat(wrongSecret.get("/api/v1/me").status()).isEqualTo(401);

    assertThat(owner.delete("/api/v1/hubs/team3/api-keys/" + id).status()).isEqualTo(204);
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(basic.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void anExpiredKeyIsRefusedAndAnExpiryInThePastIsBadInput() {
    Http owner = api.as("server-owner");
    Http.Answer past =
        owner.post(
            "/api/v1/api-keys", Map.of("role", "viewer", "expiresAt", "2001-01-01T00:00:00Z"));
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.field()).isEqualTo("expiresAt");
    Http.Answer badTime =
        owner.post("/api/v1/api-keys", Map.of("role", "viewer", "expiresAt", "soon"));
    assertThat(badTime.field()).isEqualTo("expiresAt");

    Http.Answer soon =
        owner.post(
            "/api/v1/api-keys",
            Map.of(
                "role", "viewer", "expiresAt", java.time.Instant.now().plusMillis(300).toString()));
    assertThat(soon.status()).isEqualTo(201);
    Http key = new Http(api.base);
    key.headers.put("Authorization", "Bearer " + soon.json().path("token").asText());
    org.awaitility.Awaitility.await()
        .untilAsserted(() -> assertThat(key.get("/api/v1/me").status()).isEqualTo(401));
  }

  @Test
  void everyChangeIsInTheAuditLogWithWhoWhatAndFromWhere() {
    Http admin = api.as("team4-admin");
    assertThat(admin.post("/api/v1/hubs/team4/devices", Map.of("clientId", "audited")).status())
        .isEqualTo(201);
    assertThat(admin.post("/api/v1/hubs/team4/devices/audited/disable", null).status())
        .isEqualTo(200);
    assertThat(admin.delete("/api/v1/hubs/team4/devices/audited").status()).isEqualTo(204);

    Http.Answer log = api.as("team4-viewer").get("/api/v1/hubs/team4/audit?limit=3");
    assertThat(log.status()).isEqualTo(200);
    var items = log.json().path("items");
    assertThat(items.size()).isEqualTo(3);
    assertThat(items.get(0).path("action").asText()).isEqualTo("device.delete");
    assertThat(items.get(1).path("action").asText()).isEqualTo("device.disable");
    assertThat(items.get(2).path("action").asText()).isEqualTo("device.create");
    assertThat(items.get(0).path("target").asText()).isEqualTo("audited");
    assertThat(items.get(0).path("actor").asText()).startsWith("key:k_");
    assertThat(items.get(0).path("source").asText()).isEqualTo("127.0.0.1");
    assertThat(items.get(0).path("at").asText()).isNotEmpty();
    // another hub's administrators do not see team4's log; the server's do
    assertThat(api.as("team3-owner").get("/api/v1/hubs/team4/audit").status()).isEqualTo(404);
    assertThat(api.as("server-viewer").get("/api/v1/audit").body()).contains("audited");
  }
}
