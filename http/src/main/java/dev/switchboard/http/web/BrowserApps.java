package dev.switchboard.http.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The browser apps of the {@code web} module, served from its jar: the dashboard at {@code /dash/}.
 * Files are read from the class path once and kept (they are a few hundred kilobytes and never
 * change while the server runs), answered with their media type, an entity tag for revalidation,
 * and headers that keep the pages to themselves: a Content Security Policy that lets them load only
 * their own files and connect only to their own origin and to MQTT brokers over WebSocket, and a
 * stricter one for the worker that runs tiles' scripts (no network at all).
 */
public final class BrowserApps {
  /** Where the dashboard is served. */
  public static final String DASHBOARD = "/dash";

  private static final String DASHBOARD_FILES = "dev/switchboard/web/dash/";

  /** A path the apps have: no {@code ..}, no hidden files, nothing but these characters. */
  private static final Pattern SAFE_PATH =
      Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");

  static final String PAGE_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:"
          + " http:; connect-src 'self' ws: wss:; worker-src 'self'; object-src 'none';"
          + " base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

  /** The scripts' worker: it runs people's scripts, so it may evaluate code and reach nothing. */
  static final String WORKER_POLICY = "default-src 'none'; script-src 'self' 'unsafe-eval'";

  private static final String WORKER = "js/sandbox-worker.js";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "md", "text/markdown; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "txt", "text/plain; charset=utf-8");

  private record Asset(byte[] bytes, String type, String etag) {}

  private final ClassLoader loader;
  private final Map<String, Asset> assets = new ConcurrentHashMap<>(); // found ones only

  public BrowserApps() {
    this(BrowserApps.class.getClassLoader());
  }

  BrowserApps(ClassLoader loader) {
    this.loader = loader;
  }

  /** The endpoints to register: {@code /dash} (to {@code /dash/}) and every file below it. */
  public List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (HandlerType method : List.of(HandlerType.GET, HandlerType.HEAD)) {
      // The router takes /dash and /dash/ for one path; the page's relative links need the slash.
      endpoints.add(new Endpoint(method, DASHBOARD, this::root));
      endpoints.add(
          new Endpoint(method, DASHBOARD + "/<path>", ctx -> serve(ctx, ctx.pathParam("path"))));
    }
    return endpoints;
  }

  private void root(Context ctx) {
    if (ctx.path().endsWith("/")) {
      serve(ctx, "index.html");
    } else {
      ctx.redirect(DASHBOARD + "/", HttpStatus.MOVED_PERMANENTLY);
    }
  }

  private void serve(Context ctx, String path) {
    Asset asset = asset(path).orElse(null);
    if (asset == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("not found\n");
      return;
    }
    ctx.header("Content-Security-Policy", path.equals(WORKER) ? WORKER_POLICY : PAGE_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache"); // revalidated by its entity tag: a new version shows
    ctx.header("ETag", asset.etag());
    if (asset.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(asset.type());
    ctx.result(asset.bytes());
  }

  /** The file at {@code path} below the dashboard's folder, or empty for anything else. */
  Optional<Asset> asset(String path) {
    if (path == null || !SAFE_PATH.matcher(path).matches() || path.length() > 200) {
      return Optional.empty();
    }
    Asset known = assets.get(path);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Asset> loaded = load(path); // a miss is not kept: anyone may ask for any name
    loaded.ifPresent(a -> assets.putIfAbsent(path, a));
    return loaded;
  }

  private Optional<Asset> load(String path) {
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (type == null) {
      return Optional.empty(); // only the kinds of file the apps are made of
    }
    try (InputStream in = loader.getResourceAsStream(DASHBOARD_FILES + path)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      return Optional.of(new Asset(bytes, type, etag(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + DASHBOARD_FILES + path, e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
