package dev.switchboard.http.registry;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import io.javalin.http.Context;
import java.util.List;

/**
 * A hub's access rules, with their priority: {@code /api/v1/hubs/{hub}/rules}, the hub's global
 * rules, or one device's with {@code ?device=ID}. Rules are added and removed, as {@code
 * switchboard devices rules} does; the broker evaluates them by ascending priority.
 */
public final class RuleRoutes {
  private final RegistryRepository registry;
  private final Json json;
  private final Audit audit;

  record RuleView(
      long id,
      String device,
      int priority,
      String action,
      String operation,
      String filter,
      String label) {}

  record RuleCreate(
      String device,
      Integer priority,
      String action,
      String operation,
      String filter,
      String label) {}

  record RuleList(List<RuleView> items) {}

  public RuleRoutes(RegistryRepository registry, Json json, Audit audit) {
    this.registry = registry;
    this.json = json;
    this.audit = audit;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get("/api/v1/hubs/{hub}/rules", Access.READ, this::list),
        ApiRoute.post("/api/v1/hubs/{hub}/rules", Access.WRITE, this::create),
        ApiRoute.delete("/api/v1/hubs/{hub}/rules/{id}", Access.WRITE, this::remove));
  }

  static RuleView view(AccessRule r) {
    return new RuleView(
        r.id(),
        r.clientId(),
        r.priority(),
        Values.name(r.action()),
        Values.name(r.operation()),
        r.filter(),
        r.label());
  }

  private void list(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    String device = ctx.queryParam("device");
    json.send(
        ctx, new RuleList(registry.rules(hub, device).stream().map(RuleRoutes::view).toList()));
  }

  private void create(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    RuleCreate body = json.read(ctx, RuleCreate.class);
    if (body.priority() == null) {
      throw Problem.invalid("priority", "a rule needs a priority (lower first)");
    }
    RuleAction action = Values.enumValue(RuleAction.class, "action", body.action());
    RuleOperation operation =
        body.operation() == null
            ? RuleOperation.ALL
            : Values.enumValue(RuleOperation.class, "operation", body.operation());
    AccessRule rule;
    try {
      rule =
          new AccessRule(
              0,
              hub,
              body.device(),
              body.priority(),
              action,
              operation,
              body.filter(),
              body.label());
    } catch (IllegalArgumentException e) {
      throw Problem.invalid(body.filter() == null ? "filter" : "filter", e.getMessage());
    }
    AccessRule stored = registry.addRule(rule);
    audit.record(
        caller,
        hub,
        "rule.create",
        Long.toString(stored.id()),
        Values.name(action) + " " + Values.name(operation) + " " + stored.filter());
    json.send(ctx, 201, view(stored));
  }

  private void remove(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw Problem.invalid("id", "a rule id is a number");
    }
    // a rule of another hub is not this hub's to remove
    boolean ours = registry.rules().stream().anyMatch(r -> r.id() == id && r.hub().equals(hub));
    if (!ours || !registry.removeRule(id)) {
      throw Problem.notFound("no rule " + id + " in hub '" + hub + "'");
    }
    audit.record(caller, hub, "rule.delete", Long.toString(id), "");
    ctx.status(204);
  }
}
