package dev.switchboard.http.web;

import dev.switchboard.http.web.AppFiles.Asset;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.router.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The browser apps of the {@code web} module, served from its jar: the console at {@code /} and the
 * dashboard at {@code /dash/}. Files are answered with their media type, an entity tag for
 * revalidation, and headers that keep the pages to themselves: a Content Security Policy that lets
 * them load only their own files and connect only to their own origin (and, for the dashboard, to
 * MQTT brokers over WebSocket), and a stricter one for the worker that runs tiles' scripts (no
 * network at all).
 *
 * <p>The console's files are fingerprinted without a build step: its page (never cached without
 * revalidation) links them under {@code /assets/<fingerprint>/}, where the fingerprint is a hash of
 * every file of the console computed once by the server. Relative imports between its modules stay
 * under that prefix, so every file of one version is cached for a year ({@code immutable}); a new
 * version has a new prefix. A request for another fingerprint (a page of an older version still
 * open) gets the current file, revalidated each time.
 */
public final class BrowserApps {
  /** Where the dashboard is served. */
  public static final String DASHBOARD = "/dash";

  /** Where the console's files are served, below their fingerprint. */
  public static final String CONSOLE_ASSETS = "/assets";

  /** What the console's page writes where its files' URLs begin. */
  static final String ASSETS_PLACEHOLDER = "@ASSETS@";

  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  static final String PAGE_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:"
          + " http:; connect-src 'self' ws: wss:; worker-src 'self'; object-src 'none';"
          + " base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

  /** The console talks to its own origin only (the REST API and its event streams). */
  static final String CONSOLE_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'none'";

  /** The scripts' worker: it runs people's scripts, so it may evaluate code and reach nothing. */
  static final String WORKER_POLICY = "default-src 'none'; script-src 'self' 'unsafe-eval'";

  private static final String WORKER = "js/sandbox-worker.js";

  private final AppFiles dashboard;
  private final AppFiles console;
  private volatile Asset consolePage;

  public BrowserApps() {
    this(BrowserApps.class.getClassLoader());
  }

  BrowserApps(ClassLoader loader) {
    this.dashboard = new AppFiles(loader, "dev/switchboard/web/dash/");
    this.console = new AppFiles(loader, "dev/switchboard/web/console/");
  }

  /**
   * The endpoints to register: the console's page at {@code /} and its files below {@code
   * /assets/}, {@code /dash} (to {@code /dash/}) and every file below it.
   */
  public List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (HandlerType method : List.of(HandlerType.GET, HandlerType.HEAD)) {
      // The router takes /dash and /dash/ for one path; the page's relative links need the slash.
      endpoints.add(new Endpoint(method, DASHBOARD, this::dashboardRoot));
      endpoints.add(
          new Endpoint(
              method, DASHBOARD + "/<path>", ctx -> serveDashboard(ctx, ctx.pathParam("path"))));
      endpoints.add(new Endpoint(method, "/", this::consolePage));
      endpoints.add(
          new Endpoint(
              method,
              CONSOLE_ASSETS + "/{version}/<path>",
              ctx -> serveConsole(ctx, ctx.pathParam("version"), ctx.pathParam("path"))));
    }
    return endpoints;
  }

  /** The fingerprint in the console's assets' URLs. */
  public String consoleFingerprint() {
    return console.fingerprint();
  }

  private void dashboardRoot(Context ctx) {
    if (ctx.path().endsWith("/")) {
      serveDashboard(ctx, "index.html");
    } else {
      ctx.redirect(DASHBOARD + "/", HttpStatus.MOVED_PERMANENTLY);
    }
  }

  private void serveDashboard(Context ctx, String path) {
    Asset asset = dashboard.asset(path).orElse(null);
    if (asset == null) {
      notFound(ctx);
      return;
    }
    send(ctx, asset, path.equals(WORKER) ? WORKER_POLICY : PAGE_POLICY, "no-cache");
  }

  private void consolePage(Context ctx) {
    Asset page = consolePage;
    if (page == null) {
      Asset index = console.asset("index.html").orElse(null);
      if (index == null) {
        notFound(ctx);
        return;
      }
      String html =
          new String(index.bytes(), StandardCharsets.UTF_8)
              .replace(ASSETS_PLACEHOLDER, CONSOLE_ASSETS + "/" + console.fingerprint());
      byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
      page = new Asset(bytes, index.type(), "\"" + AppFiles.sha256(bytes).substring(0, 24) + "\"");
      consolePage = page;
    }
    send(ctx, page, CONSOLE_POLICY, "no-cache");
  }

  private void serveConsole(Context ctx, String version, String path) {
    Asset asset = console.asset(path).orElse(null);
    if (asset == null) {
      notFound(ctx);
      return;
    }
    // revalidated when the page that asked is of another version: its files are today's
    String caching = console.fingerprint().equals(version) ? IMMUTABLE : "no-cache";
    send(ctx, asset, CONSOLE_POLICY, caching);
  }

  private static void notFound(Context ctx) {
    ctx.status(404).contentType("text/plain; charset=utf-8").result("not found\n");
  }

  private static void send(Context ctx, Asset asset, String policy, String caching) {
    ctx.header("Content-Security-Policy", policy);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", caching); // no-cache: revalidated by its entity tag
    ctx.header("ETag", asset.etag());
    if (asset.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(asset.type());
    ctx.result(asset.bytes());
  }
}
