package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server itself: listeners, health, the OpenAPI document, problem details for errors. */
class HttpServerTest {
  static final AtomicReference<String> notReady = new AtomicReference<>();
  static HttpServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = TestServer.bare(HttpSettings.loopback(), notReady::get).start();
    http = new Http("http://127.0.0.1:" + server.httpPort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void liveAndReadyAnswerUp() {
    Http.Answer live = http.get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().path("status").asText()).isEqualTo("up");
    assertThat(http.get("/health/ready").status()).isEqualTo(200);
  }

  @Test
  void readyAnswers503WithTheReasonWhileNotReady() {
    notReady.set("the store is failing");
    try {
      Http.Answer ready = http.get("/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().path("reason").asText()).isEqualTo("the store is failing");
      assertThat(http.get("/health/live").status()).isEqualTo(200);
    } finally {
      notReady.set(null);
    }
  }

  @Test
  void theOpenApiDocumentIsServed() {
    Http.Answer doc = http.get(HttpServer.OPENAPI_PATH);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.json().path("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void anUnknownPathIsAProblemDocument() {
    Http.Answer a = http.get("/api/v1/nothing-here");
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    assertThat(a.code()).isEqualTo("not-found");
    assertThat(a.json().path("status").asInt()).isEqualTo(404);
    assertThat(a.json().path("type").asText()).isEqualTo("urn:switchboard:problem:not-found");
    assertThat(a.body()).doesNotContain("Exception");
  }

  @Test
  void theServerListensOnLoopbackOnlyAndSaysWhere() {
    assertThat(server.urls()).containsExactly("http://127.0.0.1:" + server.httpPort() + "/");
    assertThat(server.httpsPort()).isEqualTo(-1);
  }
}
