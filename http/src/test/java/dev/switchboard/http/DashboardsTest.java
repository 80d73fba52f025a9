package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The browser dashboard through the server: its files at {@code /dash/} with their media types and
 * policies, and a hub's dashboards kept through {@code /api/v1/hubs/{hub}/dashboards}.
 */
@DisplayName("The dashboard served at /dash, and dashboards kept per hub")
class DashboardsTest {
  static ApiFixture api;

  /** A tile as MQTT Dash exports it, with a field the server does not know. */
  static final Map<String, Object> TILE =
      Map.of(
          "type", 1,
          "name", "app",
          "topic", "app",
          "mainTextSize", "MEDIUM",
          "jsOnReceive", "",
          "somethingNew", List.of(1, 2));

  @BeforeAll
  static void start() throws Exception {
    api = new ApiFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  @Test
  @DisplayName(
      "a dashboard is saved (201, then 200), read back with unknown fields kept, listed, audited"
          + " and removed")
  void lifeCycle() {
    Http admin = api.as("team3-admin");
    String path = "/api/v1/hubs/team3/dashboards/lab-1";

    Http.Answer added =
        admin.put(path, Map.of("name", "lab-1", "metrics", List.of(TILE), "scriptsAllowed", true));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    Http.Answer replaced = admin.put(path, Map.of("metrics", List.of(TILE, TILE)));
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);

    Http.Answer read = api.as("team3-viewer").get(path);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().path("metrics")).hasSize(2);
    assertThat(read.json().path("metrics").get(0).path("somethingNew").get(1).asInt()).isEqualTo(2);
    assertThat(read.json().path("metrics").get(0).path("mainTextSize").asText())
        .isEqualTo("MEDIUM");
    assertThat(read.json().path("scriptsAllowed").asBoolean()).as("not given: off").isFalse();
    assertThat(read.json().path("updatedBy").asText()).startsWith("key:k_"); // an API key
    assertThat(api.as("team3-viewer").get("/api/v1/hubs/team3/dashboards").json().path("items"))
        .extracting(n -> n.path("name").asText())
        .containsExactly("lab-1");
    assertThat(api.registry.audit("team3", 0, 10))
        .extracting(e -> e.action())
        .contains("dashboard.add", "dashboard.save");

    assertThat(admin.delete(path).status()).isEqualTo(204);
    assertThat(admin.get(path).status()).isEqualTo(404);
    assertThat(admin.delete(path).status()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "a viewer may read but not save; another hub's administrator sees no such hub; anonymous"
          + " callers are refused")
  void whoMay() {
    String path = "/api/v1/hubs/team4/dashboards/shared";
    assertThat(api.as("team4-admin").put(path, Map.of("metrics", List.of(TILE))).status())
        .isEqualTo(201);

    Http.Answer viewer = api.as("team4-viewer").put(path, Map.of("metrics", List.of()));
    assertThat(viewer.status()).isEqualTo(403);
    assertThat(api.as("team4-viewer").get(path).json().path("metrics")).hasSize(1);
    assertThat(api.as("team3-owner").get(path).status()).isEqualTo(404);
    assertThat(api.as("team3-owner").put(path, Map.of("metrics", List.of())).status())
        .isEqualTo(404);
    assertThat(api.anonymous().get(path).status()).isEqualTo(401);
    assertThat(api.as("server-viewer").get(path).status()).isEqualTo(200);
    assertThat(api.as("team4-admin").get(path).json().path("metrics")).hasSize(1);
  }

  @Test
  @DisplayName("bad input names the field and saves nothing")
  void badInput() {
    Http admin = api.as("team3-admin");
    String path = "/api/v1/hubs/team3/dashboards/bad";
    record Case(Object body, String field) {}
    for (Case c :
        List.of(
            new Case(Map.of("metrics", "not a list"), "metrics"),
            new Case(Map.of("metrics", List.of(1, 2)), "metrics[0]"),
            new Case(Map.of(), "metrics"),
            new Case(Map.of("metrics", List.of(), "name", "other"), "name"),
            new Case(Map.of("metrics", List.of(), "colour", "red"), "colour"))) {
      Http.Answer a = admin.put(path, c.body());
      assertThat(a.status()).as(a.body()).isEqualTo(400);
      assertThat(a.field()).as(a.body()).isEqualTo(c.field());
    }
    Http.Answer badName =
        admin.put("/api/v1/hubs/team3/dashboards/a%20b", Map.of("metrics", List.of()));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.field()).isEqualTo("name");
    assertThat(admin.send("PUT", path, "[]", "text/plain").status()).isEqualTo(415);
    assertThat(api.registry.dashboards("team3")).extracting(d -> d.name()).doesNotContain("bad");
    // what should be kept is: a good save right after works
    assertThat(admin.put(path, Map.of("metrics", List.of())).status()).isEqualTo(201);
  }

  @Test
  @DisplayName(
      "/dash serves the dashboard's files with their media types, its page policy, the worker's"
          + " stricter one, entity tags, and nothing outside its folder")
  void servesTheDashboard() {
    Http browser = api.anonymous();
    Http.Answer redirect = browser.get("/dash");
    assertThat(redirect.status()).isEqualTo(301);
    assertThat(redirect.header("Location")).isEqualTo("/dash/");

    Http.Answer page = browser.get("/dash/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<script type=\"module\"");
    assertThat(page.header("Content-Security-Policy"))
        .contains("default-src 'self'", "connect-src 'self' ws: wss:")
        .doesNotContain("unsafe-eval");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");

    Http.Answer module = browser.get("/dash/js/main.js");
    assertThat(module.status()).isEqualTo(200);
    assertThat(module.header("Content-Type")).startsWith("text/javascript");
    Http.Answer worker = browser.get("/dash/js/sandbox-worker.js");
    assertThat(worker.header("Content-Security-Policy"))
        .isEqualTo("default-src 'none'; script-src 'self' 'unsafe-eval'");
    assertThat(browser.get("/dash/vendor/mqtt/mqtt.esm.js").status()).isEqualTo(200);

    String etag = module.header("ETag");
    assertThat(etag).isNotBlank();
    assertThat(
            browser
                .send("GET", "/dash/js/main.js", null, null, Map.of("If-None-Match", etag))
                .status())
        .isEqualTo(304);

    for (String outside :
        List.of(
            "/dash/../openapi.json",
            "/dash/%2e%2e/%2e%2e/logback.xml",
            "/dash/js/nothing.js",
            "/dash/js",
            "/dash/.hidden.js",
            "/dash/dev/switchboard/http/HttpServer.class")) {
      assertThat(browser.get(outside).status()).as(outside).isIn(400, 404);
    }
  }
}
