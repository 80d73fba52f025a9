package dev.switchboard.http.registry;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.ApiKey;
import io.javalin.http.Context;
import java.util.List;
import java.util.Objects;

/**
 * API keys, for owners: a hub's at {@code /api/v1/hubs/{hub}/api-keys}, the server's at {@code
 * /api/v1/api-keys}. A new key's secret is in the answer that makes it, and never again.
 */
public final class ApiKeyRoutes {
  private final ApiKeys keys;
  private final AdministrationRepository repository;
  private final RegistryRepository registry;
  private final Json json;
  private final Audit audit;
  private final Runnable revoked;

  record KeyView(
      String id,
      String hub,
      String role,
      String label,
      String createdBy,
      String createdAt,
      String expiresAt) {}

  record KeyCreate(String role, String label, String expiresAt) {}

  /** A new key: its secret and ready-made token, shown once. */
  record Issued(KeyView key, String secret, String token) {}

  record KeyList(List<KeyView> items) {}

  /**
   * @param revoked told when a key is revoked, so that the credentials cache forgets it
   */
  public ApiKeyRoutes(
      ApiKeys keys,
      AdministrationRepository repository,
      RegistryRepository registry,
      Json json,
      Audit audit,
      Runnable revoked) {
    this.keys = keys;
    this.repository = repository;
    this.registry = registry;
    this.json = json;
    this.audit = audit;
    this.revoked = revoked;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(
            "/api/v1/hubs/{hub}/api-keys", Access.OWNER, (ctx, c) -> list(ctx, hubOf(ctx))),
        ApiRoute.post(
            "/api/v1/hubs/{hub}/api-keys", Access.OWNER, (ctx, c) -> create(ctx, c, hubOf(ctx))),
        ApiRoute.delete(
            "/api/v1/hubs/{hub}/api-keys/{id}",
            Access.OWNER,
            (ctx, c) -> remove(ctx, c, hubOf(ctx))),
        ApiRoute.get("/api/v1/api-keys", Access.OWNER, (ctx, c) -> list(ctx, server(c, null))),
        ApiRoute.post(
            "/api/v1/api-keys", Access.OWNER, (ctx, c) -> create(ctx, c, server(c, null))),
        ApiRoute.delete(
            "/api/v1/api-keys/{id}", Access.OWNER, (ctx, c) -> remove(ctx, c, server(c, null))));
  }

  private String hubOf(Context ctx) {
    return HubRoutes.existingHub(registry, ctx);
  }

  private static String server(Caller c, String none) {
    if (!c.serverWide()) {
      throw Problem.forbidden("only a server owner manages the server's API keys");
    }
    return none;
  }

  static KeyView view(ApiKey k) {
    return new KeyView(
        k.id(),
        k.hub(),
        Values.name(k.role()),
        k.label(),
        k.createdBy(),
        Values.time(k.createdAt()),
        Values.time(k.expiresAt()));
  }

  private void list(Context ctx, String hub) {
    json.send(
        ctx,
        new KeyList(
            repository.apiKeys(hub).stream()
                .filter(k -> Objects.equals(k.hub(), hub))
                .map(ApiKeyRoutes::view)
                .toList()));
  }

  private void create(Context ctx, Caller caller, String hub) {
    KeyCreate body = json.read(ctx, KeyCreate.class);
    AdminRole role = Values.enumValue(AdminRole.class, "role", body.role());
    long expiresAt = Values.time("expiresAt", body.expiresAt());
    ApiKeys.Issued issued;
    try {
      issued = keys.issue(hub, role, body.label(), expiresAt, caller.describe());
    } catch (IllegalArgumentException e) {
      throw Problem.invalid(
          body.label() != null && expiresAt == 0 ? "label" : "expiresAt", e.getMessage());
    }
    audit.record(caller, hub, "api-key.create", issued.key().id(), "role " + Values.name(role));
    json.send(ctx, 201, new Issued(view(issued.key()), issued.secret(), issued.token()));
  }

  private void remove(Context ctx, Caller caller, String hub) {
    String id = ctx.pathParam("id");
    boolean ours = repository.apiKey(id).filter(k -> Objects.equals(k.hub(), hub)).isPresent();
    if (!ours || !repository.removeApiKey(id)) {
      throw Problem.notFound("no API key '" + id + "' here");
    }
    revoked.run();
    audit.record(caller, hub, "api-key.delete", id, "");
    ctx.status(204);
  }
}
