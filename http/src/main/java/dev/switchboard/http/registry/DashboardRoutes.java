package dev.switchboard.http.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Dashboard;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;

/**
 * A hub's dashboards for the browser dashboard at {@code /dash}, kept on the server so that a class
 * shares one: {@code /api/v1/hubs/{hub}/dashboards} (names) and {@code .../{name}} (read, save,
 * remove). The tiles travel in MQTT Dash's JSON and are kept as sent: the server checks only that
 * they are an array of objects, so the fields it does not know survive.
 */
public final class DashboardRoutes {
  private final RegistryRepository registry;
  private final AdministrationRepository repository;
  private final Json json;
  private final Audit audit;
  private final Clock clock;

  /** What the browser saves, and reads back. */
  record DashboardBody(String name, JsonNode metrics, Boolean scriptsAllowed) {}

  record DashboardView(
      String name,
      JsonNode metrics,
      boolean scriptsAllowed,
      String updatedBy,
      String createdAt,
      String updatedAt) {}

  record Name(String name, String updatedAt) {}

  record NameList(List<Name> items) {}

  public DashboardRoutes(
      RegistryRepository registry,
      AdministrationRepository repository,
      Json json,
      Audit audit,
      Clock clock) {
    this.registry = registry;
    this.repository = repository;
    this.json = json;
    this.audit = audit;
    this.clock = clock;
  }

  public List<ApiRoute> routes() {
    String one = "/api/v1/hubs/{hub}/dashboards/{name}";
    return List.of(
        ApiRoute.get("/api/v1/hubs/{hub}/dashboards", Access.READ, (ctx, c) -> list(ctx)),
        ApiRoute.get(one, Access.READ, (ctx, c) -> read(ctx)),
        ApiRoute.put(one, Access.WRITE, this::save),
        ApiRoute.delete(one, Access.WRITE, this::remove));
  }

  private void list(Context ctx) {
    String hub = HubRoutes.existingHub(registry, ctx);
    json.send(
        ctx,
        new NameList(
            repository.dashboards(hub).stream()
                .map(d -> new Name(d.name(), Values.time(d.updatedAt())))
                .toList()));
  }

  private void read(Context ctx) {
    String hub = HubRoutes.existingHub(registry, ctx);
    Dashboard d =
        repository
            .dashboard(hub, name(ctx))
            .orElseThrow(() -> Problem.notFound("no dashboard '" + name(ctx) + "' in this hub"));
    json.send(ctx, view(d));
  }

  private void save(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    String name = name(ctx);
    DashboardBody body = json.read(ctx, DashboardBody.class);
    if (body.name() != null && !body.name().equals(name)) {
      throw Problem.invalid(
          "name", "the body names '" + body.name() + "', the path '" + name + "'");
    }
    JsonNode metrics = body.metrics();
    if (metrics == null || !metrics.isArray()) {
      throw Problem.invalid("metrics", "give the tiles as an array, as MQTT Dash exports them");
    }
    for (int i = 0; i < metrics.size(); i++) {
      if (!metrics.get(i).isObject()) {
        throw Problem.invalid("metrics[" + i + "]", "a tile is a JSON object");
      }
    }
    long now = clock.millis();
    Dashboard d =
        new Dashboard(
            hub,
            name,
            metrics.toString(),
            Boolean.TRUE.equals(body.scriptsAllowed()),
            caller.describe(),
            now,
            now);
    boolean added = repository.saveDashboard(d);
    audit.record(
        caller,
        hub,
        added ? "dashboard.add" : "dashboard.save",
        name,
        metrics.size() + " tiles" + (d.scriptsAllowed() ? ", scripts allowed" : ""));
    json.send(
        ctx,
        added ? 201 : 200,
        view(repository.dashboard(hub, name).orElseThrow(() -> Problem.notFound("removed"))));
  }

  private void remove(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    String name = name(ctx);
    if (!repository.removeDashboard(hub, name)) {
      throw Problem.notFound("no dashboard '" + name + "' in this hub");
    }
    audit.record(caller, hub, "dashboard.remove", name, "");
    ctx.status(204);
  }

  private static String name(Context ctx) {
    String name = ctx.pathParam("name");
    if (!Dashboard.isName(name)) {
      throw Problem.invalid("name", "1 to 64 of letters, digits, '.', '_' and '-'");
    }
    return name;
  }

  private DashboardView view(Dashboard d) {
    JsonNode metrics;
    try {
      metrics = json.mapper().readTree(d.metrics());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored dashboard is not JSON: " + d.name(), e);
    }
    return new DashboardView(
        d.name(),
        metrics,
        d.scriptsAllowed(),
        d.updatedBy(),
        Values.time(d.createdAt()),
        Values.time(d.updatedAt()));
  }
}
