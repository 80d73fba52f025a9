package dev.switchboard.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/**
 * The dashboard served as any static file server would (the standalone case), on 127.0.0.1 and a
 * free port: {@code /dash/} from the module's resources, {@code /dash-test/} from the test
 * resources (the JavaScript unit tests and the fixtures). Content types as the http module must
 * send them.
 */
final class StaticFileServer implements AutoCloseable {
  static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "md", "text/markdown; charset=utf-8",
          "png", "image/png",
          "svg", "image/svg+xml");

  /** The policy docs/dashboard.md recommends for the dashboard's files: the tests run under it. */
  static final String PAGE_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self';"
          + " img-src 'self' data: blob: https: http:; connect-src 'self' ws: wss:;"
          + " worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'none'";

  /** The script sandbox's worker: no network at all; eval, because running scripts is its job. */
  static final String WORKER_POLICY = "default-src 'none'; script-src 'self' 'unsafe-eval'";

  private final HttpServer server;

  StaticFileServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/dash/", e -> serve(e, "/dash/", "dev/switchboard/web/dash/"));
    server.createContext(
        "/dash-test/", e -> serve(e, "/dash-test/", "dev/switchboard/web/dash-test/"));
    server.start();
  }

  /** The address of a path on this server, e.g. {@code url("/dash/")}. */
  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static void serve(HttpExchange exchange, String prefix, String root) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(prefix.length());
      if (path.isEmpty() || path.endsWith("/")) {
        path += "index.html";
      }
      if (path.contains("..") || !exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      try (InputStream in =
          StaticFileServer.class.getClassLoader().getResourceAsStream(root + path)) {
        if (in == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = in.readAllBytes();
        String extension = path.substring(path.lastIndexOf('.') + 1);
        exchange
            .getResponseHeaders()
            .set("Content-Type", CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"));
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (prefix.equals("/dash/")) {
          exchange
              .getResponseHeaders()
              .set(
                  "Content-Security-Policy",
                  path.endsWith("sandbox-worker.js") ? WORKER_POLICY : PAGE_POLICY);
        }
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
