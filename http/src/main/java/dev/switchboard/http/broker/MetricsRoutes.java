package dev.switchboard.http.broker;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Problem;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /metrics}: Prometheus' text format. Who may read it is a setting ({@code
 * http.metrics-access}): anyone; requests from this machine and callers with credentials (the
 * default); or only callers with credentials. Credentials must be server-wide (the figures name
 * every hub); a hub's key or administrator gets 403. The route is public in the route table: this
 * check is its own.
 */
public final class MetricsRoutes {
  /** The text format's media type. */
  static final String MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final BrokerMeters meters;
  private final boolean anyone;
  private final boolean loopback;
  private final Function<Context, Caller> findCaller;

  /**
   * @param anyone whether anyone who reaches the port may read it
   * @param loopback whether requests from a loopback address may, without credentials
   * @param findCaller the caller of a request, null when it carries no credentials
   */
  public MetricsRoutes(
      BrokerMeters meters, boolean anyone, boolean loopback, Function<Context, Caller> findCaller) {
    this.meters = meters;
    this.anyone = anyone;
    this.loopback = loopback;
    this.findCaller = findCaller;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get("/metrics", Access.PUBLIC, (ctx, c) -> metrics(ctx)));
  }

  private void metrics(Context ctx) {
    checkMayRead(ctx);
    ctx.contentType(MEDIA_TYPE);
    ctx.result(meters.scrape());
  }

  /**
   * Refuses a request that may not read the server's figures, as {@code http.metrics-access} says
   * (401 without credentials, 403 with a hub's); {@code /api/v1/cluster} follows the same rule.
   */
  void checkMayRead(Context ctx) {
    if (!anyone && !(loopback && isLoopback(ctx.req().getRemoteAddr()))) {
      check(findCaller.apply(ctx));
    }
  }

  /** Refuses a request without credentials (401) or with a hub's (403). */
  static void check(Caller caller) {
    if (caller == null) {
      throw Problem.unauthenticated("/metrics needs an API key or a session from this address");
    }
    if (!caller.serverWide()) {
      throw Problem.forbidden("the metrics name every hub: they need a server-wide key or login");
    }
  }

  static boolean isLoopback(String address) {
    try {
      return address != null && InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
