package dev.switchboard.http.quota;

import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.http.quota.QuotaJson.DeviceBody;
import dev.switchboard.http.quota.QuotaJson.DeviceView;
import dev.switchboard.http.quota.QuotaJson.HubBody;
import dev.switchboard.http.quota.QuotaJson.HubView;
import dev.switchboard.http.quota.QuotaJson.Limits;
import dev.switchboard.http.quota.QuotaJson.Own;
import dev.switchboard.http.quota.QuotaJson.Snapshot;
import dev.switchboard.http.quota.QuotaJson.UsagePage;
import dev.switchboard.http.quota.QuotaJson.UsageView;
import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.DeviceUsage;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.InvalidQuota;
import dev.switchboard.hub.quota.QuotaBook;
import dev.switchboard.hub.quota.QuotaLimits;
import dev.switchboard.hub.quota.Quotas;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A hub's quotas and the quota inspector: {@code /api/v1/hubs/{hub}/quotas} (the hub's measurer and
 * its devices' default limits: read, replace), {@code .../quotas/usage} (every device's usage of
 * each window against its limits, sortable by any window, filtered by a client id prefix, paged),
 * {@code .../quotas/usage/stream} (the same as Server-Sent Events, a snapshot at a chosen
 * interval), and a device's own limits under {@code .../devices/{clientId}/quota} (read, replace,
 * remove, reset its counts). Any role reads; {@code admin} and {@code owner} change; changes are
 * audited.
 */
public final class QuotaRoutes {
  private static final String HUB = "/api/v1/hubs/{hub}/quotas";
  private static final String DEVICE = "/api/v1/hubs/{hub}/devices/{clientId}/quota";
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

  private final Quotas quotas;
  private final QuotaBook book;
  private final ExistingHub hubs;
  private final Json json;
  private final Audit audit;
  private final Clock clock;

  /**
   * @param book the running server's meters (its refusals); null for none
   */
  public QuotaRoutes(
      Quotas quotas, QuotaBook book, ExistingHub hubs, Json json, Audit audit, Clock clock) {
    this.quotas = quotas;
    this.book = book;
    this.hubs = hubs;
    this.json = json;
    this.audit = audit;
    this.clock = clock;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(HUB, Access.READ, (ctx, c) -> showHub(ctx)),
        ApiRoute.put(HUB, Access.WRITE, this::setHub),
        ApiRoute.get(HUB + "/usage", Access.READ, (ctx, c) -> usage(ctx)),
        ApiRoute.get(HUB + "/usage/stream", Access.READ, (ctx, c) -> stream(ctx)),
        ApiRoute.get(DEVICE, Access.READ, (ctx, c) -> showDevice(ctx)),
        ApiRoute.put(DEVICE, Access.WRITE, this::setDevice),
        ApiRoute.delete(DEVICE, Access.WRITE, this::removeDevice),
        ApiRoute.post(DEVICE + "/reset", Access.WRITE, this::reset));
  }

  private void showHub(Context ctx) {
    String hub = hubs.of(ctx);
    json.send(ctx, hubView(quotas.hubQuota(hub)));
  }

  private HubView hubView(HubQuota q) {
    return HubView.of(q, book == null ? null : book.countersOf(q.hub()));
  }

  private void setHub(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    HubBody body = json.read(ctx, HubBody.class);
    HubQuota q =
        valid(
            () ->
                new HubQuota(
                    hub,
                    size("measurerSize", body.measurerSize()),
                    new QuotaLimits(
                        size("maxMessageSize", body.maxMessageSize()),
                        zero(body.perMinute()),
                        zero(body.perHour()),
                        zero(body.perDay()),
                        zero(body.perMonth()),
                        body.disconnect() != null && body.disconnect())));
    quotas.setHubQuota(q);
    audit.record(caller, hub, "quota.hub.set", hub, describe(q.defaults(), q.measurerSize()));
    json.send(ctx, hubView(q));
  }

  private void usage(Context ctx) {
    String hub = hubs.of(ctx);
    Quotas.Sort sort = sort(ctx);
    String prefix = ctx.queryParam("clientIdPrefix");
    String key = Cursor.key(ctx);
    int limit = Cursor.limit(ctx);
    List<DeviceUsage> all = quotas.usage(hub, prefix, sort);
    int from = 0;
    if (key != null) {
      from = after(all, sort, key);
    }
    int to = Math.min(all.size(), from + limit);
    List<UsageView> page = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      page.add(UsageView.of(all.get(i)));
    }
    String next = null;
    if (to < all.size() && to > from) {
      DeviceUsage last = all.get(to - 1);
      next = Cursor.after(sort.rank(last) + ":" + last.clientId());
    }
    json.send(ctx, new UsagePage(page, next));
  }

  /**
   * Where the page after the cursor's device starts: the list is taken afresh, so the cursor holds
   * the last device's place (its figure, then its client id), not an index.
   */
  private static int after(List<DeviceUsage> all, Quotas.Sort sort, String key) {
    int colon = key.indexOf(':');
    long rank;
    try {
      rank = Long.parseLong(key.substring(0, Math.max(colon, 0)));
    } catch (NumberFormatException e) {
      throw new Problem(400, "bad-cursor", "cursor", "not a cursor of this list");
    }
    String id = key.substring(colon + 1);
    int i = 0;
    while (i < all.size()) {
      DeviceUsage u = all.get(i);
      long r = sort.rank(u);
      // ordered by the figure, largest first, then by client id
      boolean before = r > rank || (r == rank && u.clientId().compareTo(id) <= 0);
      if (!before) {
        break;
      }
      i++;
    }
    return i;
  }

  /**
   * Server-Sent Events: a {@code usage} event with the first {@code limit} devices in {@code
   * sort}'s order every {@code interval} (1 s to 1 min, default 2 s), until the reader goes or the
   * hub is removed ({@code end}).
   */
  private void stream(Context ctx) throws IOException {
    String hub = hubs.of(ctx);
    Quotas.Sort sort = sort(ctx);
    String prefix = ctx.queryParam("clientIdPrefix");
    int limit = Cursor.limit(ctx);
    Duration interval = interval(ctx.queryParam("interval"));
    ctx.status(200);
    ctx.contentType("text/event-stream");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    try {
      while (true) {
        List<DeviceUsage> all;
        try {
          all = quotas.usage(hub, prefix, sort);
        } catch (dev.switchboard.hub.registry.model.RegistryException e) {
          send(out, "end", java.util.Map.of("reason", "the hub was removed"));
          out.flush();
          return;
        }
        List<UsageView> items = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, all.size()); i++) {
          items.add(UsageView.of(all.get(i)));
        }
        send(out, "usage", new Snapshot(Values.time(clock.millis()), sort.key(), items));
        out.flush();
        Thread.sleep(interval.toMillis());
      }
    } catch (IOException e) {
      // the reader went away: the stream ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(OutputStream out, String event, Object data) throws IOException {
    out.write(("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8));
    out.write(json.write(data));
    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
  }

  private static Duration interval(String text) {
    if (text == null || text.isEmpty()) {
      return Duration.ofSeconds(2);
    }
    Duration d;
    try {
      d = Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      throw Problem.invalid("interval", "interval is from 1s to 60s, e.g. 2s, not '" + text + "'");
    }
    return d;
  }

  private void showDevice(Context ctx) {
    String hub = hubs.of(ctx);
    json.send(ctx, deviceView(hub, ctx.pathParam("clientId")));
  }

  private DeviceView deviceView(String hub, String clientId) {
    DeviceQuota own = quotas.deviceQuota(hub, clientId);
    return new DeviceView(
        clientId,
        Own.of(own),
        Limits.of(quotas.limitsOf(hub, clientId)),
        UsageView.of(quotas.usage(hub, clientId)));
  }

  private void setDevice(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.pathParam("clientId");
    DeviceBody body = json.read(ctx, DeviceBody.class);
    DeviceQuota q =
        valid(
            () ->
                new DeviceQuota(
                    hub,
                    clientId,
                    body.maxMessageSize() == null
                        ? null
                        : size("maxMessageSize", body.maxMessageSize()),
                    body.perMinute(),
                    body.perHour(),
                    body.perDay(),
                    body.perMonth(),
                    body.disconnect()));
    quotas.setDeviceQuota(q);
    audit.record(
        caller,
        hub,
        "quota.device.set",
        clientId,
        describe(q.over(quotas.hubQuota(hub).defaults()), -1));
    json.send(ctx, deviceView(hub, clientId));
  }

  private void removeDevice(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.pathParam("clientId");
    quotas.setDeviceQuota(DeviceQuota.followingHub(hub, clientId));
    audit.record(caller, hub, "quota.device.remove", clientId, "follows the hub's quota");
    ctx.status(204);
  }

  private void reset(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.pathParam("clientId");
    quotas.reset(hub, clientId);
    audit.record(caller, hub, "quota.device.reset", clientId, "counts reset");
    json.send(ctx, deviceView(hub, clientId));
  }

  private static Quotas.Sort sort(Context ctx) {
    String key = ctx.queryParam("sort");
    return valid(() -> Quotas.Sort.of(key == null || key.isEmpty() ? "clientId" : key));
  }

  /** A domain value whose refusal names the field: a problem naming it, nothing done. */
  private static <T> T valid(Supplier<T> make) {
    try {
      return make.get();
    } catch (InvalidQuota e) {
      throw Problem.invalid(e.field(), e.getMessage());
    }
  }

  private static int size(String field, Long bytes) {
    if (bytes == null) {
      return 0;
    }
    if (bytes < 0 || bytes > QuotaLimits.MAX_MESSAGE_SIZE) {
      throw new InvalidQuota(
          field,
          field
              + " must be from 0 (none) to "
              + QuotaLimits.MAX_MESSAGE_SIZE
              + " bytes, not "
              + bytes);
    }
    return bytes.intValue();
  }

  private static long zero(Long value) {
    return value == null ? 0 : value;
  }

  private static String describe(QuotaLimits l, int measurer) {
    return (measurer >= 0 ? "measurer " + measurer + ", " : "")
        + "largest "
        + l.maxMessageSize()
        + ", per minute "
        + l.perMinute()
        + ", hour "
        + l.perHour()
        + ", day "
        + l.perDay()
        + ", month "
        + l.perMonth()
        + (l.disconnect() ? ", disconnect" : "");
  }
}
