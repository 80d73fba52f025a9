package dev.switchboard.http.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.broker.session.Session;
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
import dev.switchboard.http.broker.ClientRoutes.SubscriptionView;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * A hub's sessions, connected or not (persistent sessions stay while their clients are away):
 * {@code /api/v1/hubs/{hub}/sessions} to list, show and delete (a connected client is disconnected
 * first; no will is sent, the session and what is stored of it go), and {@code
 * /api/v1/hubs/{hub}/subscriptions}, every session's subscriptions, by client or by the topic they
 * match.
 */
public final class SessionRoutes {
  private static final String BASE = "/api/v1/hubs/{hub}/sessions";

  private final LiveState live;
  private final ExistingHub hubs;
  private final Json json;
  private final Audit audit;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SessionView(
      String clientId,
      boolean online,
      boolean persistent,
      Long expiryInterval,
      String connectedAt,
      String disconnectedAt,
      int subscriptionCount,
      int inflight,
      int queued,
      long queuedBytes,
      long drops,
      List<SubscriptionView> subscriptions) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SubscriptionItem(
      String clientId,
      String filter,
      String shareName,
      int qos,
      boolean noLocal,
      boolean retainAsPublished,
      int retainHandling,
      Integer subscriptionId) {}

  public SessionRoutes(LiveState live, ExistingHub hubs, Json json, Audit audit) {
    this.live = live;
    this.hubs = hubs;
    this.json = json;
    this.audit = audit;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(BASE, Access.READ, this::list),
        ApiRoute.get(BASE + "/{clientId}", Access.READ, this::show),
        ApiRoute.delete(BASE + "/{clientId}", Access.WRITE, this::remove),
        ApiRoute.get("/api/v1/hubs/{hub}/subscriptions", Access.READ, this::subscriptions));
  }

  private void list(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String prefix = ctx.queryParam("clientIdPrefix");
    String online = ctx.queryParam("online");
    if (online != null && !online.equals("true") && !online.equals("false")) {
      throw Problem.invalid("online", "online is true or false");
    }
    int limit = Cursor.limit(ctx);
    String cursor = Cursor.key(ctx);
    List<KeyedPage.Keyed<SessionSnapshot>> keyed = new ArrayList<>();
    for (SessionSnapshot s :
        live.snapshots(
            hub,
            s ->
                (prefix == null || s.clientId().startsWith(prefix))
                    && (online == null || s.isOnline() == online.equals("true")))) {
      keyed.add(new KeyedPage.Keyed<>(0, s.clientId(), s));
    }
    json.send(ctx, KeyedPage.of(keyed, cursor, limit, s -> view(s, false)));
  }

  private void show(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    json.send(ctx, view(live.snapshot(hub, ctx.pathParam("clientId")), true));
  }

  private void remove(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.pathParam("clientId");
    Session session = live.session(hub, clientId);
    session.discard(ReasonCode.ADMINISTRATIVE_ACTION, "session deleted by " + caller.describe());
    audit.record(caller, hub, "session.delete", clientId, "");
    ctx.status(204);
  }

  private void subscriptions(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String clientId = ctx.queryParam("clientId");
    String topic = ctx.queryParam("topic");
    if (topic != null && !Topics.isValidName(topic)) {
      throw Problem.invalid("topic", "'" + topic + "' is not a topic name");
    }
    int limit = Cursor.limit(ctx);
    String cursor = Cursor.key(ctx);
    List<KeyedPage.Keyed<SubscriptionItem>> keyed = new ArrayList<>();
    for (SessionSnapshot s :
        live.snapshots(hub, s -> clientId == null || s.clientId().equals(clientId))) {
      for (SubscriptionEntry e : s.subscriptions()) {
        if (topic == null || Topics.matches(e.filter(), topic)) {
          keyed.add(
              new KeyedPage.Keyed<>(
                  0,
                  s.clientId() + "\u0000" + e.filterKey(),
                  new SubscriptionItem(
                      s.clientId(),
                      e.filter(),
                      e.shareName(),
                      e.qos(),
                      e.noLocal(),
                      e.retainAsPublished(),
                      e.retainHandling(),
                      e.subscriptionId() == 0 ? null : e.subscriptionId())));
        }
      }
    }
    json.send(ctx, KeyedPage.of(keyed, cursor, limit, item -> item));
  }

  static SessionView view(SessionSnapshot s, boolean details) {
    return new SessionView(
        s.clientId(),
        s.online(),
        s.persistent(),
        s.expirySeconds() == Session.NEVER_EXPIRES ? null : s.expirySeconds(),
        Values.time(s.connectedAtMillis()),
        Values.time(s.disconnectedAtMillis()),
        s.subscriptions().size(),
        s.inflight(),
        s.queued(),
        s.queuedBytes(),
        s.drops(),
        details ? ClientRoutes.subscriptions(s.subscriptions()) : null);
  }
}
