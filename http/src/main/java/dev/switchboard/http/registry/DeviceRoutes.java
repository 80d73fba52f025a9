package dev.switchboard.http.registry;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Page;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.http.registry.DeviceJson.DeviceCreate;
import dev.switchboard.http.registry.DeviceJson.DevicePatch;
import dev.switchboard.http.registry.DeviceJson.DeviceView;
import dev.switchboard.http.registry.DeviceJson.SubscriptionJson;
import dev.switchboard.http.registry.DeviceJson.WithPassword;
import dev.switchboard.hub.auth.PasswordGenerator;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A hub's devices: {@code /api/v1/hubs/{hub}/devices}. What {@code switchboard devices} does, on
 * the same registry: create (with a password given or generated, shown once), read, page through,
 * change every flag, set or generate a password, enable, disable, delete, and a frozen device's
 * subscriptions. Every body is checked whole before anything is stored; each change is one
 * transaction of the registry, which the broker picks up at its next poll.
 */
public final class DeviceRoutes {
  private static final String BASE = "/api/v1/hubs/{hub}/devices";
  private static final String ONE = BASE + "/{clientId}";

  private final RegistryRepository registry;
  private final PasswordHasher hasher;
  private final PasswordGenerator passwords = new PasswordGenerator();
  private final Json json;
  private final Audit audit;
  private final Clock clock;

  /** A password to set: given, or generated. */
  record PasswordChange(String password, Boolean generate) {}

  /** A frozen device's subscriptions. */
  record Subscriptions(List<SubscriptionJson> subscriptions) {}

  public DeviceRoutes(
      RegistryRepository registry, PasswordHasher hasher, Json json, Audit audit, Clock clock) {
    this.registry = registry;
    this.hasher = hasher;
    this.json = json;
    this.audit = audit;
    this.clock = clock;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(BASE, Access.READ, this::list),
        ApiRoute.post(BASE, Access.WRITE, this::create),
        ApiRoute.get(ONE, Access.READ, (ctx, c) -> json.send(ctx, DeviceJson.view(existing(ctx)))),
        ApiRoute.patch(ONE, Access.WRITE, this::change),
        ApiRoute.delete(ONE, Access.WRITE, this::remove),
        ApiRoute.put(ONE + "/password", Access.WRITE, this::password),
        ApiRoute.post(ONE + "/enable", Access.WRITE, (ctx, c) -> enable(ctx, c, true)),
        ApiRoute.post(ONE + "/disable", Access.WRITE, (ctx, c) -> enable(ctx, c, false)),
        ApiRoute.get(
            ONE + "/subscriptions",
            Access.READ,
            (ctx, c) ->
                json.send(
                    ctx,
                    new Subscriptions(
                        existing(ctx).subscriptions().stream().map(DeviceJson::json).toList()))),
        ApiRoute.put(ONE + "/subscriptions", Access.WRITE, this::setSubscriptions));
  }

  private void list(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    int limit = Cursor.limit(ctx);
    String after = Cursor.key(ctx);
    String prefix = ctx.queryParam("clientIdPrefix");
    List<Device> fetched =
        prefix == null || prefix.isEmpty()
            ? registry.devices(hub, after, limit + 1)
            : withPrefix(hub, prefix, after, limit + 1);
    Page<Device> page = Page.of(fetched, limit, Device::clientId);
    json.send(
        ctx, new Page<>(page.items().stream().map(DeviceJson::view).toList(), page.nextCursor()));
  }

  /**
   * Up to {@code max} devices whose client ids start with {@code prefix}, after {@code after}: in
   * the registry's order they are one run starting at the prefix itself, so the page seeks to it
   * and stops at the first id without it; the store reads no more than the page.
   */
  private List<Device> withPrefix(String hub, String prefix, String after, int max) {
    List<Device> out = new java.util.ArrayList<>();
    String from = after;
    if (from == null || from.compareTo(prefix) < 0) {
      registry.device(hub, prefix).ifPresent(out::add); // the prefix itself, if a device has it
      from = prefix;
    }
    for (Device d : registry.devices(hub, from, max - out.size())) {
      if (!d.clientId().startsWith(prefix)) {
        break;
      }
      out.add(d);
    }
    return out;
  }

  private void create(Context ctx, Caller caller) {
    String hub = HubRoutes.existingHub(registry, ctx);
    DeviceCreate body = json.read(ctx, DeviceCreate.class);
    if (body.clientId() == null || body.clientId().isEmpty()) {
      throw Problem.invalid("clientId", "a device needs a client id");
    }
    boolean generate = Boolean.TRUE.equals(body.generatePassword());
    if (generate && body.password() != null) {
      throw Problem.invalid("generatePassword", "give a password or generate one, not both");
    }
    ReplacePolicy policy =
        body.replacePolicy() == null
            ? ReplacePolicy.REPLACE
            : Values.enumValue(ReplacePolicy.class, "replacePolicy", body.replacePolicy());
    var subscriptions =
        body.subscriptions() == null
            ? List.<dev.switchboard.mqtt.packet.Subscription>of()
            : DeviceJson.subscriptions("subscriptions", body.subscriptions());
    var sources =
        body.allowedSources() == null
            ? List.<dev.switchboard.hub.registry.model.Cidr>of()
            : DeviceJson.sources("allowedSources", body.allowedSources());
    String username = body.username() == null ? body.clientId() : body.username();
    char[] password = generate ? passwords.generate() : null;
    if (body.password() != null) {
      if (body.password().isEmpty()) {
        throw Problem.invalid("password", "a password cannot be empty");
      }
      password = body.password().toCharArray();
    }
    long now = clock.millis();
    Device device;
    try {
      device =
          new Device(
              hub,
              body.clientId(),
              username,
              password == null ? null : hasher.hash(password),
              body.enabled() == null || body.enabled(),
              policy,
              Boolean.TRUE.equals(body.strictClientId()),
              Boolean.TRUE.equals(body.subscriptionsFrozen()),
              subscriptions,
              sources,
              now,
              now);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid(body.username() == null ? "clientId" : "username", e.getMessage());
    }
    registry.add(device);
    audit.record(caller, hub, "device.create", device.clientId(), "user name " + username);
    ctx.header("Location", "/api/v1/hubs/" + hub + "/devices/" + device.clientId());
    json.send(
        ctx,
        201,
        new WithPassword(DeviceJson.view(device), generate ? new String(password) : null));
  }

  private void change(Context ctx, Caller caller) {
    Device d = existing(ctx);
    DevicePatch body = json.read(ctx, DevicePatch.class);
    List<String> changed = new ArrayList<>();
    if (body.username() != null) {
      changed.add("username");
    }
    if (body.enabled() != null) {
      changed.add("enabled");
    }
    if (body.replacePolicy() != null) {
      changed.add("replacePolicy");
    }
    if (body.strictClientId() != null) {
      changed.add("strictClientId");
    }
    if (body.subscriptionsFrozen() != null) {
      changed.add("subscriptionsFrozen");
    }
    if (body.subscriptions() != null) {
      changed.add("subscriptions");
    }
    if (body.allowedSources() != null) {
      changed.add("allowedSources");
    }
    Device updated;
    try {
      updated =
          new Device(
              d.hub(),
              d.clientId(),
              body.username() == null ? d.username() : body.username(),
              d.passwordHash(),
              body.enabled() == null ? d.enabled() : body.enabled(),
              body.replacePolicy() == null
                  ? d.replacePolicy()
                  : Values.enumValue(ReplacePolicy.class, "replacePolicy", body.replacePolicy()),
              body.strictClientId() == null ? d.strictClientId() : body.strictClientId(),
              body.subscriptionsFrozen() == null
                  ? d.subscriptionsFrozen()
                  : body.subscriptionsFrozen(),
              body.subscriptions() == null
                  ? d.subscriptions()
                  : DeviceJson.subscriptions("subscriptions", body.subscriptions()),
              body.allowedSources() == null
                  ? d.allowedSources()
                  : DeviceJson.sources("allowedSources", body.allowedSources()),
              d.createdAt(),
              clock.millis());
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("username", e.getMessage());
    }
    registry.update(updated);
    audit.record(caller, d.hub(), "device.update", d.clientId(), String.join(", ", changed));
    json.send(ctx, DeviceJson.view(registry.device(d.hub(), d.clientId()).orElse(updated)));
  }

  private void remove(Context ctx, Caller caller) {
    String hub = ctx.pathParam("hub");
    String clientId = ctx.pathParam("clientId");
    if (!registry.remove(hub, clientId)) {
      throw Problem.notFound("no device '" + clientId + "' in hub '" + hub + "'");
    }
    audit.record(caller, hub, "device.delete", clientId, "");
    ctx.status(204);
  }

  private void password(Context ctx, Caller caller) {
    Device d = existing(ctx);
    PasswordChange body = json.read(ctx, PasswordChange.class);
    boolean generate = Boolean.TRUE.equals(body.generate());
    if (generate == (body.password() != null)) {
      throw Problem.invalid("password", "give a password, or \"generate\": true");
    }
    if (!generate && body.password().isEmpty()) {
      throw Problem.invalid("password", "a password cannot be empty");
    }
    char[] password = generate ? passwords.generate() : body.password().toCharArray();
    Device updated = d.withPasswordHash(hasher.hash(password));
    registry.update(updated);
    audit.record(caller, d.hub(), "device.password", d.clientId(), generate ? "generated" : "set");
    json.send(
        ctx, new WithPassword(DeviceJson.view(updated), generate ? new String(password) : null));
  }

  private void enable(Context ctx, Caller caller, boolean on) {
    Device d = existing(ctx);
    registry.update(d.withEnabled(on));
    audit.record(caller, d.hub(), on ? "device.enable" : "device.disable", d.clientId(), "");
    json.send(ctx, DeviceJson.view(d.withEnabled(on)));
  }

  private void setSubscriptions(Context ctx, Caller caller) {
    Device d = existing(ctx);
    Subscriptions body = json.read(ctx, Subscriptions.class);
    if (body.subscriptions() == null) {
      throw Problem.invalid("subscriptions", "give the list of subscriptions (may be empty)");
    }
    var subs = DeviceJson.subscriptions("subscriptions", body.subscriptions());
    Device updated = d.withSubscriptions(subs);
    registry.update(updated);
    audit.record(
        caller, d.hub(), "device.subscriptions", d.clientId(), subs.size() + " subscriptions");
    json.send(ctx, new Subscriptions(subs.stream().map(DeviceJson::json).toList()));
  }

  private Device existing(Context ctx) {
    String hub = HubRoutes.existingHub(registry, ctx);
    String clientId = ctx.pathParam("clientId");
    return registry
        .device(hub, clientId)
        .orElseThrow(() -> Problem.notFound("no device '" + clientId + "' in hub '" + hub + "'"));
  }

  /** The view of a device, for other routes of the package. */
  static DeviceView view(Device d) {
    return DeviceJson.view(d);
  }
}
