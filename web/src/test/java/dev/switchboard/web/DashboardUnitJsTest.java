package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.web.testing.Chromium;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's JavaScript unit tests (JSON path, MQTT Dash's import and export, Markdown
 * escaping, colours, the sandbox), run in Chromium from {@code dash-test/unit.html}.
 */
@DisplayName("Dashboard JavaScript unit tests in Chromium")
class DashboardUnitJsTest {
  private static Chromium chromium;
  private static StaticFileServer files;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.startAtPhoneSize();
    files = new StaticFileServer();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (files != null) {
      files.close();
    }
  }

  @Test
  @DisplayName("every unit test in unit.js passes")
  void unitTestsPass() {
    DashPage page = new DashPage(chromium.driver(), files.url("/"));
    page.driver().get(files.url("/dash-test/unit.html").toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> results =
        page.waitUntil(d -> (Map<String, Object>) page.js("return window.unitResults || null"));
    System.out.printf(
        "dashboard JavaScript unit tests: %s passed, %s failed%n",
        results.get("passed"), results.get("failed"));
    assertThat((List<?>) results.get("failures")).isEmpty();
    assertThat(((Number) results.get("passed")).intValue()).isGreaterThanOrEqualTo(30);
  }
}
