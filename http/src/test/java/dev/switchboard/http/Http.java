package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for the tests: JSON in and out, headers kept between calls when asked. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final String base;
  final Map<String, String> headers = new LinkedHashMap<>();

  Http(String base) {
    this(HttpClient.newHttpClient(), base);
  }

  Http(HttpClient client, String base) {
    this.client = client;
    this.base = base;
  }

  /** An answer: its status, headers and body parsed as JSON (null when empty or not JSON). */
  record Answer(int status, HttpResponse<String> response, JsonNode json) {
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String body() {
      return response.body();
    }

    /** The problem's code, for an error answer. */
    String code() {
      return json == null ? null : json.path("code").asText(null);
    }

    String field() {
      return json == null ? null : json.path("field").asText(null);
    }
  }

  Answer get(String path) {
    return send("GET", path, null, null);
  }

  Answer delete(String path) {
    return send("DELETE", path, null, null);
  }

  Answer post(String path, Object body) {
    return send("POST", path, body, "application/json");
  }

  Answer put(String path, Object body) {
    return send("PUT", path, body, "application/json");
  }

  Answer patch(String path, Object body) {
    return send("PATCH", path, body, "application/json");
  }

  /** Sends {@code body} (a String as it is, anything else as JSON) with that content type. */
  Answer send(String method, String path, Object body, String contentType) {
    return send(method, path, body, contentType, Map.of());
  }

  Answer send(
      String method, String path, Object body, String contentType, Map<String, String> extra) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
      headers.forEach(b::header);
      extra.forEach(b::header);
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      String text =
          body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      b.method(
          method,
          text == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(text));
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (type.contains("json") && !r.body().isEmpty()) {
        json = JSON.readTree(r.body());
      }
      return new Answer(r.statusCode(), r, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
