package dev.switchboard.http.cluster;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code GET /api/v1/cluster}: the cluster as this node sees it (members, their state and
 * reachability, the routes it knows of each, what waits to be forwarded, the sessions here, what
 * forwarding did), which {@code switchboard cluster status} asks any node for. Who may read it is
 * who may read {@code /metrics} ({@code http.metrics-access}): the figures are the server's, not a
 * hub's. The route is public in the route table: {@code mayRead} is its check.
 */
public final class ClusterRoutes {
  /** The route's path. */
  public static final String PATH = "/api/v1/cluster";

  private final ClusterView view;
  private final Json json;
  private final Consumer<Context> mayRead;

  /**
   * @param mayRead throws the problem to answer when the request may not read the server's figures
   */
  public ClusterRoutes(ClusterView view, Json json, Consumer<Context> mayRead) {
    this.view = view;
    this.json = json;
    this.mayRead = mayRead;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get(PATH, Access.PUBLIC, (ctx, caller) -> show(ctx)));
  }

  private void show(Context ctx) {
    mayRead.accept(ctx);
    json.send(ctx, view.figures());
  }
}
