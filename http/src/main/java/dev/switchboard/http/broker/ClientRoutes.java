package dev.switchboard.http.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.session.SessionSnapshot;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.mqtt.ReasonCode;
import io.javalin.http.Context;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hub's connected clients: {@code /api/v1/hubs/{hub}/clients}, filtered by client id prefix, user
 * name, address and protocol version, sorted by client id, backlog, drops or connection time; one
 * client's details (keep alive, subscriptions, in-flight and queued counts, drops); disconnecting
 * one with a reason. Each session is read on its own loop.
 */
public final class ClientRoutes {
  private static final String BASE = "/api/v1/hubs/{hub}/clients";

  private final LiveState live;
  private final ExistingHub hubs;
  private final Json json;
  private final Audit audit;

  record SubscriptionView(
      String filter,
      String shareName,
      int qos,
      boolean noLocal,
      boolean retainAsPublished,
      int retainHandling,
      Integer subscriptionId) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ClientView(
      String clientId,
      String username,
      String address,
      String listener,
      String protocolVersion,
      int keepAlive,
      String connectedAt,
      boolean persistent,
      int subscriptionCount,
      int inflight,
      int queued,
      long queuedBytes,
      long backlog,
      long drops,
      List<SubscriptionView> subscriptions) {}

  public ClientRoutes(LiveState live, ExistingHub hubs, Json json, Audit audit) {
    this.live = live;
    this.hubs = hubs;
    this.json = json;
    this.audit = audit;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(BASE, Access.READ, this::list),
        ApiRoute.get(BASE + "/{clientId}", Access.READ, this::show),
        ApiRoute.delete(BASE + "/{clientId}", Access.WRITE, this::disconnect));
  }

  /** The filters of the list, checked. */
  private record Filters(String prefix, String user, String address, Integer protocol) {
    boolean accepts(SessionSnapshot s) {
      return s.online()
          && (user == null || user.equals(s.username()))
          && (address == null || host(s.address()).startsWith(address))
          && (protocol == null || protocol == s.protocolVersion());
    }
  }

  private static Filters filters(Context ctx) {
    String protocol = ctx.queryParam("protocol");
    Integer level = null;
    if (protocol != null) {
      level =
          switch (protocol) {
            case "3.1", "3" -> 3;
            case "3.1.1", "4" -> 4;
            case "5", "5.0" -> 5;
            case "http" -> SessionConnection.HTTP_PROTOCOL_LEVEL;
            default -> throw Problem.invalid("protocol", "protocol is 3.1, 3.1.1, 5 or http");
          };
    }
    return new Filters(
        ctx.queryParam("clientIdPrefix"), ctx.queryParam("user"), ctx.queryParam("address"), level);
  }

  private void list(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    Filters f = filters(ctx);
    String sort = ctx.queryParamAsClass("sort", String.class).getOrDefault("clientId");
    int limit = Cursor.limit(ctx);
    String cursor = Cursor.key(ctx);
    List<SessionSnapshot> snaps =
        live.snapshots(
            hub, s -> s.isOnline() && (f.prefix() == null || s.clientId().startsWith(f.prefix())));
    List<KeyedPage.Keyed<SessionSnapshot>> keyed = new ArrayList<>();
    for (SessionSnapshot s : snaps) {
      if (f.accepts(s)) {
        long rank =
            switch (sort) {
              case "clientId" -> 0;
              case "backlog" -> -(s.inflight() + (long) s.queued()); // largest first
              case "drops" -> -s.drops();
              case "connectedSince" -> s.connectedAtMillis(); // longest connected first
              default ->
                  throw Problem.invalid(
                      "sort", "sort is clientId, backlog, drops or connectedSince");
            };
        keyed.add(new KeyedPage.Keyed<>(rank, s.clientId(), s));
      }
    }
    json.send(ctx, KeyedPage.of(keyed, cursor, limit, s -> view(s, false)));
  }

  private void show(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.pathParam("clientId");
    SessionSnapshot s = live.snapshot(hub, clientId);
    if (!s.online()) {
      throw Problem.notFound("client '" + clientId + "' is not connected to hub '" + hub + "'");
    }
    json.send(ctx, view(s, true));
  }

  /**
   * Ends the client's connection (DISCONNECT 0x98 "administrative action" to a 5.0 client, with the
   * reason as its reason string); its will is published as for any loss, its session stays.
   */
  private void disconnect(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.pathParam("clientId");
    String reason = ctx.queryParamAsClass("reason", String.class).getOrDefault("");
    if (reason.length() > 256) {
      throw Problem.invalid("reason", "a reason is at most 256 characters");
    }
    Session session = live.session(hub, clientId);
    if (!session.isOnline()) {
      throw Problem.notFound("client '" + clientId + "' is not connected to hub '" + hub + "'");
    }
    String why = reason.isEmpty() ? "disconnected by " + caller.describe() : reason;
    session.disconnectIf(id -> true, ReasonCode.ADMINISTRATIVE_ACTION, why);
    audit.record(caller, hub, "client.disconnect", clientId, reason);
    ctx.status(204);
  }

  static ClientView view(SessionSnapshot s, boolean details) {
    return new ClientView(
        s.clientId(),
        s.username(),
        host(s.address()),
        s.listener(),
        protocolName(s.protocolVersion()),
        s.keepAliveSeconds(),
        Values.time(s.connectedAtMillis()),
        s.persistent(),
        s.subscriptions().size(),
        s.inflight(),
        s.queued(),
        s.queuedBytes(),
        s.inflight() + (long) s.queued(),
        s.drops(),
        details ? subscriptions(s.subscriptions()) : null);
  }

  static List<SubscriptionView> subscriptions(List<SubscriptionEntry> entries) {
    List<SubscriptionView> out = new ArrayList<>(entries.size());
    for (SubscriptionEntry e : entries) {
      out.add(subscription(e));
    }
    return out;
  }

  static SubscriptionView subscription(SubscriptionEntry e) {
    return new SubscriptionView(
        e.filter(),
        e.shareName(),
        e.qos(),
        e.noLocal(),
        e.retainAsPublished(),
        e.retainHandling(),
        e.subscriptionId() == 0 ? null : e.subscriptionId());
  }

  static String protocolName(int level) {
    return switch (level) {
      case 3 -> "3.1";
      case 4 -> "3.1.1";
      case 5 -> "5";
      case SessionConnection.HTTP_PROTOCOL_LEVEL -> "http";
      default -> null;
    };
  }

  /** The address without a port, as filters compare it: {@code 10.0.0.7}, {@code ::1}. */
  static String host(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() != null
          ? inet.getAddress().getHostAddress()
          : inet.getHostString().toLowerCase(Locale.ROOT);
    }
    return address == null ? "" : address.toString();
  }
}
