package dev.switchboard.http.registry;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.HubStatus;
import dev.switchboard.hub.registry.model.RegistryValidation;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;

/**
 * Hubs: {@code /api/v1/hubs} for server administrators (list, add), {@code /api/v1/hubs/{hub}} to
 * read (a hub's own administrators too), change and remove. What {@code switchboard hubs} does.
 */
public final class HubRoutes {
  private final RegistryRepository registry;
  private final Json json;
  private final Audit audit;
  private final Clock clock;

  record Limits(
      Integer devices,
      Integer connections,
      Integer messageSize,
      Integer retained,
      Integer queued) {}

  record HubView(
      String name,
      String displayName,
      String status,
      Limits limits,
      String createdAt,
      String updatedAt) {}

  record HubCreate(String name, String displayName, Boolean enabled, Limits limits) {}

  record HubPatch(String displayName, Boolean enabled, Limits limits) {}

  record HubList(List<HubView> items) {}

  public HubRoutes(RegistryRepository registry, Json json, Audit audit, Clock clock) {
    this.registry = registry;
    this.json = json;
    this.audit = audit;
    this.clock = clock;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(
            "/api/v1/hubs",
            Access.SERVER_READ,
            (ctx, c) ->
                json.send(
                    ctx, new HubList(registry.hubs().stream().map(HubRoutes::view).toList()))),
        ApiRoute.post("/api/v1/hubs", Access.SERVER_WRITE, this::create),
        ApiRoute.get(
            "/api/v1/hubs/{hub}",
            Access.READ,
            (ctx, c) -> json.send(ctx, view(hub(registry, ctx)))),
        ApiRoute.patch("/api/v1/hubs/{hub}", Access.SERVER_WRITE, this::change),
        ApiRoute.delete("/api/v1/hubs/{hub}", Access.SERVER_WRITE, this::remove));
  }

  /** The hub named in the path; 404 when there is none. */
  static Hub hub(RegistryRepository registry, Context ctx) {
    String name = ctx.pathParam("hub");
    return registry.hub(name).orElseThrow(() -> Problem.notFound("no hub '" + name + "'"));
  }

  /** The name of the hub in the path, checked to exist. */
  static String existingHub(RegistryRepository registry, Context ctx) {
    return hub(registry, ctx).name();
  }

  static HubView view(Hub h) {
    HubLimits l = h.limits();
    return new HubView(
        h.name(),
        h.displayName(),
        Values.name(h.status()),
        new Limits(
            l.devices(),
            l.connections(),
            l.messageSize(),
            l.retainedMessages(),
            l.queuedMessages()),
        Values.time(h.createdAt()),
        Values.time(h.updatedAt()));
  }

  private static HubLimits limits(Limits given, HubLimits base) {
    if (given == null) {
      return base;
    }
    try {
      return new HubLimits(
          given.devices() == null ? base.devices() : given.devices(),
          given.connections() == null ? base.connections() : given.connections(),
          given.messageSize() == null ? base.messageSize() : given.messageSize(),
          given.retained() == null ? base.retainedMessages() : given.retained(),
          given.queued() == null ? base.queuedMessages() : given.queued());
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("limits", e.getMessage());
    }
  }

  private void create(Context ctx, Caller caller) {
    HubCreate body = json.read(ctx, HubCreate.class);
    if (!RegistryValidation.isHubName(body.name())) {
      throw Problem.invalid(
          "name", "'" + body.name() + "' is not a hub name: 1 to 32 of a-z, 0-9 and '-'");
    }
    long now = clock.millis();
    Hub hub;
    try {
      hub =
          new Hub(
              body.name(),
              body.displayName() == null ? body.name() : body.displayName(),
              Boolean.FALSE.equals(body.enabled()) ? HubStatus.DISABLED : HubStatus.ACTIVE,
              limits(body.limits(), HubLimits.NONE),
              now,
              now);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("displayName", e.getMessage());
    }
    registry.addHub(hub);
    audit.record(caller, null, "hub.create", hub.name(), "");
    ctx.header("Location", "/api/v1/hubs/" + hub.name());
    json.send(ctx, 201, view(hub));
  }

  private void change(Context ctx, Caller caller) {
    Hub h = hub(registry, ctx);
    HubPatch body = json.read(ctx, HubPatch.class);
    Hub updated;
    try {
      updated =
          new Hub(
              h.name(),
              body.displayName() == null ? h.displayName() : body.displayName(),
              body.enabled() == null
                  ? h.status()
                  : body.enabled() ? HubStatus.ACTIVE : HubStatus.DISABLED,
              limits(body.limits(), h.limits()),
              h.createdAt(),
              clock.millis());
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("displayName", e.getMessage());
    }
    registry.updateHub(updated);
    audit.record(caller, null, "hub.update", h.name(), "");
    json.send(ctx, view(registry.hub(h.name()).orElse(updated)));
  }

  private void remove(Context ctx, Caller caller) {
    String name = ctx.pathParam("hub");
    boolean force = "true".equals(ctx.queryParam("force"));
    if (!registry.removeHub(name, force)) {
      throw Problem.notFound("no hub '" + name + "'");
    }
    audit.record(caller, null, "hub.delete", name, force ? "forced" : "");
    ctx.status(204);
  }
}
