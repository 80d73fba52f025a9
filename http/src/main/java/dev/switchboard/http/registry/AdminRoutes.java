package dev.switchboard.http.registry;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.auth.PasswordGenerator;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Administrators, for owners: a hub's at {@code /api/v1/hubs/{hub}/admins}, the server's at {@code
 * /api/v1/admins} (server owners only). What {@code switchboard admins} does. An administrator's
 * sessions end when they are removed or their password changes.
 */
public final class AdminRoutes {
  private final RegistryRepository registry;
  private final PasswordHasher hasher;
  private final PasswordGenerator passwords = new PasswordGenerator();
  private final Json json;
  private final Audit audit;
  private final Clock clock;
  private final Consumer<String> sessionsEnded;

  record AdminView(String name, String hub, String role, String createdAt, String updatedAt) {}

  record AdminCreate(String name, String role, String password, Boolean generatePassword) {}

  record AdminPatch(String role, String password, Boolean generatePassword) {}

  record WithPassword(AdminView admin, String generatedPassword) {}

  record AdminList(List<AdminView> items) {}

  /**
   * @param sessionsEnded told the name of an administrator removed or whose password changed
   */
  public AdminRoutes(
      RegistryRepository registry,
      PasswordHasher hasher,
      Json json,
      Audit audit,
      Clock clock,
      Consumer<String> sessionsEnded) {
    this.registry = registry;
    this.hasher = hasher;
    this.json = json;
    this.audit = audit;
    this.clock = clock;
    this.sessionsEnded = sessionsEnded;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get("/api/v1/hubs/{hub}/admins", Access.READ, (ctx, c) -> list(ctx, hubOf(ctx))),
        ApiRoute.post(
            "/api/v1/hubs/{hub}/admins", Access.OWNER, (ctx, c) -> create(ctx, c, hubOf(ctx))),
        ApiRoute.patch(
            "/api/v1/hubs/{hub}/admins/{name}",
            Access.OWNER,
            (ctx, c) -> change(ctx, c, hubOf(ctx))),
        ApiRoute.delete(
            "/api/v1/hubs/{hub}/admins/{name}",
            Access.OWNER,
            (ctx, c) -> remove(ctx, c, hubOf(ctx))),
        ApiRoute.get("/api/v1/admins", Access.SERVER_READ, (ctx, c) -> list(ctx, null)),
        ApiRoute.post("/api/v1/admins", Access.OWNER, (ctx, c) -> create(ctx, server(c), null)),
        ApiRoute.patch(
            "/api/v1/admins/{name}", Access.OWNER, (ctx, c) -> change(ctx, server(c), null)),
        ApiRoute.delete(
            "/api/v1/admins/{name}", Access.OWNER, (ctx, c) -> remove(ctx, server(c), null)));
  }

  private String hubOf(Context ctx) {
    return HubRoutes.existingHub(registry, ctx);
  }

  /** Server administrators are managed by server owners only. */
  private static Caller server(Caller c) {
    if (!c.serverWide()) {
      throw Problem.forbidden("only a server owner manages server administrators");
    }
    return c;
  }

  static AdminView view(Admin a) {
    return new AdminView(
        a.name(),
        a.hub(),
        Values.name(a.role()),
        Values.time(a.createdAt()),
        Values.time(a.updatedAt()));
  }

  private void list(Context ctx, String hub) {
    json.send(
        ctx,
        new AdminList(
            registry.admins().stream()
                .filter(a -> Objects.equals(a.hub(), hub))
                .map(AdminRoutes::view)
                .toList()));
  }

  private void create(Context ctx, Caller caller, String hub) {
    AdminCreate body = json.read(ctx, AdminCreate.class);
    AdminRole role =
        body.role() == null
            ? AdminRole.ADMIN
            : Values.enumValue(AdminRole.class, "role", body.role());
    char[] password = password(body.password(), body.generatePassword());
    if (password == null) {
      throw Problem.invalid("password", "give a password, or \"generatePassword\": true");
    }
    long now = clock.millis();
    Admin admin;
    try {
      admin = new Admin(body.name(), hub, role, hasher.hash(password), now, now);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("name", e.getMessage());
    }
    registry.addAdmin(admin);
    audit.record(caller, hub, "admin.create", admin.name(), "role " + Values.name(role));
    json.send(
        ctx,
        201,
        new WithPassword(
            view(admin),
            Boolean.TRUE.equals(body.generatePassword()) ? new String(password) : null));
  }

  private void change(Context ctx, Caller caller, String hub) {
    Admin a = existing(ctx, hub);
    AdminPatch body = json.read(ctx, AdminPatch.class);
    AdminRole role =
        body.role() == null ? a.role() : Values.enumValue(AdminRole.class, "role", body.role());
    char[] password = password(body.password(), body.generatePassword());
    Admin updated =
        new Admin(
            a.name(),
            a.hub(),
            role,
            password == null ? a.passwordHash() : hasher.hash(password),
            a.createdAt(),
            clock.millis());
    registry.updateAdmin(updated);
    if (password != null) {
      sessionsEnded.accept(a.name());
    }
    audit.record(
        caller,
        hub,
        "admin.update",
        a.name(),
        (body.role() == null ? "" : "role " + Values.name(role))
            + (password == null ? "" : (body.role() == null ? "" : ", ") + "password"));
    json.send(
        ctx,
        new WithPassword(
            view(updated),
            Boolean.TRUE.equals(body.generatePassword()) ? new String(password) : null));
  }

  private void remove(Context ctx, Caller caller, String hub) {
    Admin a = existing(ctx, hub);
    registry.removeAdmin(a.name());
    sessionsEnded.accept(a.name());
    audit.record(caller, hub, "admin.delete", a.name(), "");
    ctx.status(204);
  }

  private Admin existing(Context ctx, String hub) {
    String name = ctx.pathParam("name");
    return registry
        .admin(name)
        .filter(a -> Objects.equals(a.hub(), hub))
        .orElseThrow(() -> Problem.notFound("no administrator '" + name + "' here"));
  }

  private char[] password(String given, Boolean generate) {
    boolean gen = Boolean.TRUE.equals(generate);
    if (gen && given != null) {
      throw Problem.invalid("generatePassword", "give a password or generate one, not both");
    }
    if (given != null && given.isEmpty()) {
      throw Problem.invalid("password", "a password cannot be empty");
    }
    return gen ? passwords.generate() : given == null ? null : given.toCharArray();
  }
}
