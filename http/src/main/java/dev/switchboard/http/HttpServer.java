package dev.switchboard.http;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.transport.TlsConfig;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.CallerResolver;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.ProblemDocument;
import dev.switchboard.http.web.BrowserApps;
import dev.switchboard.hub.registry.model.RegistryException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin on Jetty, handlers on virtual threads, plain HTTP and HTTPS (the MQTTS
 * certificate). It serves the routes it is given, the health checks and the OpenAPI document, and
 * turns every error into a problem details answer: a caller's mistake never gets a stack trace.
 *
 * <p>Each route is checked in the same order: its hub (a caller whose scope does not cover the
 * {@code {hub}} of the path gets 404, as for a hub that does not exist, so that hub names do not
 * leak), then its role (401 without credentials, 403 with a role that does not allow it).
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /** Where the OpenAPI document is served. */
  public static final String OPENAPI_PATH = "/api/v1/openapi.json";

  private final HttpSettings settings;
  private final TlsConfig tls;
  private final Readiness readiness;
  private final CallerResolver callers;
  private final Json json;
  private final List<ApiRoute> routes;
  private final BrowserApps browserApps = new BrowserApps();
  private final byte[] openApi;
  private final List<AutoCloseable> closeWith = new ArrayList<>();
  private final List<io.javalin.router.Endpoint> extraEndpoints = new ArrayList<>();
  private Javalin app;
  private HttpsCertificate certificate;
  private ServerConnector httpConnector;
  private ServerConnector httpsConnector;

  /**
   * @param tls the MQTT side's TLS settings, whose certificate HTTPS presents; unused when HTTPS is
   *     off
   * @param routes the API's routes; the health checks and the OpenAPI document are added
   */
  public HttpServer(
      HttpSettings settings,
      TlsConfig tls,
      Readiness readiness,
      CallerResolver callers,
      Json json,
      List<ApiRoute> routes) {
    this.settings = settings;
    this.tls = tls;
    this.readiness = readiness;
    this.callers = callers;
    this.json = json;
    List<ApiRoute> all = new ArrayList<>();
    all.add(ApiRoute.get("/health/live", Access.PUBLIC, (ctx, c) -> health(ctx, null)));
    all.add(
        ApiRoute.get(
            "/health/ready", Access.PUBLIC, (ctx, c) -> health(ctx, readiness.notReadyBecause())));
    all.add(ApiRoute.get(OPENAPI_PATH, Access.PUBLIC, (ctx, c) -> serveOpenApi(ctx)));
    all.addAll(routes);
    this.routes = List.copyOf(all);
    this.openApi = readOpenApi();
  }

  /** Closes {@code resource} when the server closes (what its routes started). */
  public synchronized void closeWith(AutoCloseable resource) {
    closeWith.add(resource);
  }

  /**
   * Serves {@code endpoints} too, outside the API's document and its problem details (the
   * MyQttHub-compatible device API, which answers in MyQttHub's shapes). Before {@link #start}.
   */
  public synchronized HttpServer serveToo(List<io.javalin.router.Endpoint> endpoints) {
    if (app != null) {
      throw new IllegalStateException("endpoints are added before the server starts");
    }
    extraEndpoints.addAll(endpoints);
    return this;
  }

  /** Every route the server registers, the health checks and the OpenAPI document included. */
  public List<ApiRoute> routes() {
    return routes;
  }

  /** The OpenAPI 3.1 document, as served. */
  public static byte[] readOpenApi() {
    try (InputStream in = HttpServer.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Binds the listeners and starts serving.
   *
   * @throws IllegalArgumentException a port that cannot be bound or a certificate that cannot be
   *     used, in one line
   */
  public synchronized HttpServer start() {
    if (settings.httpsPort() != HttpSettings.OFF) {
      certificate = HttpsCertificate.open(tls);
    }
    app =
        Javalin.create(
            config -> {
              config.concurrency.useVirtualThreads = true;
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = settings.maxBodyBytes();
              config.jetty.modifyServer(
                  server -> {
                    List<Connector> connectors = new ArrayList<>();
                    HttpConfiguration plain = new HttpConfiguration();
                    plain.setSendServerVersion(false);
                    if (settings.httpPort() != HttpSettings.OFF) {
                      httpConnector = new ServerConnector(server, new HttpConnectionFactory(plain));
                      httpConnector.setHost(settings.bind());
                      httpConnector.setPort(settings.httpPort());
                      connectors.add(httpConnector);
                    }
                    if (certificate != null) {
                      HttpConfiguration secure = new HttpConfiguration(plain);
                      SecureRequestCustomizer customizer = new SecureRequestCustomizer();
                      // the self-signed certificate names the machine, not every name it is
                      // reached by; clients that check the name do it themselves
                      customizer.setSniHostCheck(false);
                      secure.addCustomizer(customizer);
                      httpsConnector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(certificate.factory(), "http/1.1"),
                              new HttpConnectionFactory(secure));
                      httpsConnector.setHost(settings.bind());
                      httpsConnector.setPort(settings.httpsPort());
                      connectors.add(httpsConnector);
                    }
                    server.setConnectors(connectors.toArray(new Connector[0]));
                  });
              for (ApiRoute route : routes) {
                config.routes.addEndpoint(
                    new io.javalin.router.Endpoint(
                        HandlerType.findOrCreate(route.method()),
                        route.path(),
                        ctx -> serve(route, ctx)));
              }
              for (io.javalin.router.Endpoint e : extraEndpoints) {
                config.routes.addEndpoint(e); // their own answers: not part of the API's document
              }
              for (io.javalin.router.Endpoint e : browserApps.endpoints()) {
                config.routes.addEndpoint(e); // static files: not part of the API's document
              }
              config.routes.exception(Problem.class, (e, ctx) -> problem(ctx, e));
              config.routes.exception(
                  HttpResponseException.class, (e, ctx) -> problem(ctx, fromJavalin(e)));
              config.routes.exception(Exception.class, (e, ctx) -> problem(ctx, unexpected(e)));
            });
    if (settings.httpPort() == HttpSettings.OFF && certificate == null) {
      return this; // both listeners off: nothing to start
    }
    try {
      app.start();
    } catch (RuntimeException e) {
      close();
      throw new IllegalArgumentException(
          "the HTTP listeners cannot start on "
              + settings.bind()
              + " (ports "
              + portText(settings.httpPort())
              + ", "
              + portText(settings.httpsPort())
              + "): "
              + rootMessage(e),
          e);
    }
    return this;
  }

  private static String portText(int port) {
    return port == HttpSettings.OFF ? "off" : Integer.toString(port);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The port plain HTTP is bound to; -1 when off. */
  public int httpPort() {
    return httpConnector == null ? -1 : httpConnector.getLocalPort();
  }

  /** The port HTTPS is bound to; -1 when off. */
  public int httpsPort() {
    return httpsConnector == null ? -1 : httpsConnector.getLocalPort();
  }

  /** The console's URLs, for the start banner: one per listener that is on. */
  public List<String> urls() {
    List<String> urls = new ArrayList<>();
    String host = displayHost(settings.bind());
    if (httpConnector != null) {
      urls.add("http://" + host + ":" + httpPort() + "/");
    }
    if (httpsConnector != null) {
      urls.add("https://" + host + ":" + httpsPort() + "/");
    }
    return urls;
  }

  private static String displayHost(String bind) {
    if (bind == null || bind.equals("0.0.0.0") || bind.equals("::")) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "localhost";
      }
    }
    return bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind;
  }

  /** Loads the HTTPS certificate's files again if they changed (tests; the reloader does it). */
  public boolean reloadCertificate() {
    return certificate != null && certificate.reloadIfChanged();
  }

  private void serve(ApiRoute route, Context ctx) throws Exception {
    Caller caller =
        route.access() == Access.PUBLIC ? Caller.anonymous(ctx.ip()) : callers.resolve(ctx, route);
    if (route.hubScoped() && !caller.sees(ctx.pathParam("hub"))) {
      throw Problem.notFound("no hub '" + ctx.pathParam("hub") + "'");
    }
    if (!caller.may(route.access())) {
      throw caller.kind() == Caller.Kind.ANONYMOUS
          ? Problem.unauthenticated("log in or send an API key")
          : Problem.forbidden(
              "role "
                  + caller.role().name().toLowerCase(java.util.Locale.ROOT)
                  + (caller.serverWide() ? "" : " of hub " + caller.hub())
                  + " may not "
                  + route.method()
                  + " "
                  + route.path());
    }
    route.handler().handle(ctx, caller);
  }

  private void health(Context ctx, String notReady) {
    ctx.contentType("application/json");
    if (notReady == null) {
      ctx.result("{\"status\":\"up\"}");
    } else {
      ctx.status(503);
      ctx.result(json.write(java.util.Map.of("status", "down", "reason", notReady)));
    }
  }

  private void serveOpenApi(Context ctx) {
    ctx.contentType("application/json");
    ctx.result(openApi);
  }

  private void problem(Context ctx, Problem p) {
    ctx.status(p.status());
    ctx.contentType(ProblemDocument.MEDIA_TYPE);
    ctx.result(json.write(ProblemDocument.of(p)));
  }

  private static Problem fromJavalin(HttpResponseException e) {
    int status = e.getStatus();
    return switch (status) {
      case 404 -> Problem.notFound("no such resource");
      case 405 -> new Problem(405, "method-not-allowed", null, "method not allowed here");
      case 413 -> new Problem(413, "body-too-large", null, "the body is too large");
      default ->
          new Problem(
              status, status >= 500 ? "internal-error" : "bad-request", null, e.getMessage());
    };
  }

  /** What the domain throws, as the caller should see it; anything else is our fault, logged. */
  private static Problem unexpected(Exception e) {
    if (e instanceof RegistryException r) {
      return switch (r.kind()) {
        case NOT_FOUND -> Problem.notFound(r.getMessage());
        case EXISTS -> Problem.conflict("exists", r.getMessage());
        case IN_USE -> Problem.conflict("in-use", r.getMessage());
        case LIMIT -> Problem.conflict("limit-reached", r.getMessage());
      };
    }
    if (e instanceof IllegalArgumentException) {
      return new Problem(400, "invalid-value", null, e.getMessage());
    }
    if (e instanceof StoreException) {
      log.warn("HTTP request failed on the store: {}", e.getMessage());
      return new Problem(503, "store-unavailable", null, "the store is not available; try again");
    }
    log.error("HTTP request failed", e);
    return new Problem(500, "internal-error", null, "the server failed; see its log");
  }

  @Override
  public synchronized void close() {
    if (app != null) {
      try {
        app.stop();
      } catch (RuntimeException e) {
        log.warn("stopping the HTTP server: {}", e.getMessage());
      }
    }
    if (certificate != null) {
      certificate.close();
    }
    for (AutoCloseable resource : closeWith) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("stopping the HTTP server: {}", e.getMessage());
      }
    }
    closeWith.clear();
  }
}
