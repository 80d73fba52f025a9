package dev.switchboard.http.registry;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Page;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.AuditEntry;
import io.javalin.http.Context;
import java.util.List;

/**
 * The audit log, newest first, paged: a hub's at {@code /api/v1/hubs/{hub}/audit}, everything at
 * {@code /api/v1/audit} (server administrators).
 */
public final class AuditRoutes {
  private final AdministrationRepository repository;
  private final RegistryRepository registry;
  private final Json json;

  record EntryView(
      long id,
      String at,
      String actor,
      String source,
      String hub,
      String action,
      String target,
      String detail) {}

  public AuditRoutes(AdministrationRepository repository, RegistryRepository registry, Json json) {
    this.repository = repository;
    this.registry = registry;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(
            "/api/v1/hubs/{hub}/audit",
            Access.READ,
            (ctx, c) -> list(ctx, HubRoutes.existingHub(registry, ctx))),
        ApiRoute.get("/api/v1/audit", Access.SERVER_READ, (ctx, c) -> list(ctx, null)));
  }

  private void list(Context ctx, String hub) {
    int limit = Cursor.limit(ctx);
    String key = Cursor.key(ctx);
    long before = 0;
    if (key != null) {
      try {
        before = Long.parseLong(key);
      } catch (NumberFormatException e) {
        throw new Problem(400, "bad-cursor", "cursor", "not a cursor of this list");
      }
    }
    List<AuditEntry> fetched = repository.audit(hub, before, limit + 1);
    Page<AuditEntry> page = Page.of(fetched, limit, e -> Long.toString(e.id()));
    json.send(
        ctx,
        new Page<>(
            page.items().stream()
                .map(
                    e ->
                        new EntryView(
                            e.id(),
                            Values.time(e.at()),
                            e.actor(),
                            e.source(),
                            e.hub(),
                            e.action(),
                            e.target(),
                            e.detail()))
                .toList(),
            page.nextCursor()));
  }
}
