package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The web console's files through the server: its page at {@code /}, never cached without
 * revalidation, linking its files under {@code /assets/<fingerprint>/}, which are cached for a
 * year; the API's routes stay the API's.
 */
@DisplayName("The console served at /, its fingerprinted files cached for a year")
class ConsoleFilesTest {
  static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.withBroker();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  @Test
  @DisplayName(
      "/ is the console's page (no-cache, its policy), linking /assets/<fingerprint>/ files that"
          + " are immutable for a year; another fingerprint is revalidated; nothing outside")
  void servesTheConsole() {
    Http browser = api.anonymous();
    Http.Answer page = browser.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(page.header("Content-Security-Policy"))
        .contains("default-src 'self'", "script-src 'self'", "connect-src 'self'")
        .doesNotContain("unsafe");
    assertThat(page.body()).doesNotContain("@ASSETS@");
    Matcher link = Pattern.compile("/assets/([0-9a-f]{16})/js/main\\.js").matcher(page.body());
    assertThat(link.find()).as("the page links its fingerprinted main module").isTrue();
    String fingerprint = link.group(1);

    Http.Answer module = browser.get("/assets/" + fingerprint + "/js/main.js");
    assertThat(module.status()).isEqualTo(200);
    assertThat(module.header("Content-Type")).startsWith("text/javascript");
    assertThat(module.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    Http.Answer page2 = browser.get("/assets/" + fingerprint + "/js/pages/devices.js");
    assertThat(page2.status()).isEqualTo(200);
    assertThat(browser.get("/assets/" + fingerprint + "/console.css").header("Content-Type"))
        .startsWith("text/css");

    Http.Answer old = browser.get("/assets/0000000000000000/js/main.js");
    assertThat(old.status()).isEqualTo(200);
    assertThat(old.header("Cache-Control")).isEqualTo("no-cache");

    for (String outside :
        List.of(
            "/assets/" + fingerprint + "/../openapi.json",
            "/assets/" + fingerprint + "/js/nothing.js",
            "/assets/" + fingerprint + "/.hidden.js",
            "/assets/x/%2e%2e/%2e%2e/logback.xml")) {
      assertThat(browser.get(outside).status()).as(outside).isIn(400, 404);
    }
    // the API keeps its own answers
    assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(browser.get("/health/live").status()).isEqualTo(200);
    assertThat(browser.get("/dash/").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("GET /api/v1/server names the broker's listeners; a caller is needed")
  void serverRoute() {
    assertThat(api.anonymous().get("/api/v1/server").status()).isEqualTo(401);
    Http.Answer server = api.as("team3-viewer").get("/api/v1/server");
    assertThat(server.status()).isEqualTo(200);
    assertThat(server.json().path("listeners").get(0).path("url").asText()).startsWith("mqtt://");
    assertThat(server.json().path("tls").isNull()).isTrue();
  }
}
