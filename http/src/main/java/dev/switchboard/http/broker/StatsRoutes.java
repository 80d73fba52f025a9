package dev.switchboard.http.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Values;
import dev.switchboard.hub.auth.HubAuthenticator;
import dev.switchboard.hub.quota.HubQuotaCounters;
import dev.switchboard.hub.quota.QuotaBook;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hub's statistics: {@code /api/v1/hubs/{hub}/stats}, its counters now (the default hub's also
 * the server's, as {@code $SYS} shows them), and {@code .../stats/history}, the last hour of rates
 * at 10 seconds.
 */
public final class StatsRoutes {
  private final LiveState live;
  private final RateHistory history;
  private final ExistingHub hubs;
  private final Json json;

  record Refusals(long connections, long messageSize, long retained) {}

  /** What the hub's device quotas refused since the server started. */
  record QuotaRefusals(long publishes, long deliveries, long disconnects) {}

  record Server(
      long messagesSent,
      long messagesDropped,
      long bytesReceived,
      long bytesSent,
      long clientsMaximum,
      long connectionsAccepted,
      long connectsRefused,
      Map<String, Long> loginsRefused) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Stats(
      String hub,
      long connections,
      long sessions,
      long subscriptions,
      long retained,
      long messagesReceived,
      Refusals refusals,
      QuotaRefusals quota,
      Server server) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PointView(
      String at,
      double messagesIn,
      long connections,
      Double messagesOut,
      Double drops,
      Double bytesIn,
      Double bytesOut) {}

  record History(int intervalSeconds, List<PointView> points) {}

  private final HubAuthenticator authenticator;

  /**
   * @param authenticator the MQTT logins' checks, whose refusals by reason the server's figures
   *     show; null when the broker's logins are not the hub's
   */
  public StatsRoutes(
      LiveState live,
      RateHistory history,
      ExistingHub hubs,
      Json json,
      HubAuthenticator authenticator) {
    this.authenticator = authenticator;
    this.live = live;
    this.history = history;
    this.hubs = hubs;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get("/api/v1/hubs/{hub}/stats", Access.READ, this::stats),
        ApiRoute.get("/api/v1/hubs/{hub}/stats/history", Access.READ, this::history));
  }

  private void stats(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    HubFigures figures = HubFigures.of(live.broker());
    TopicSpaces.Space space = live.space(hub);
    BrokerMetrics m = live.broker().metrics();
    boolean isDefault = hub.equals(live.broker().spaces().defaultSpace().hub());
    json.send(
        ctx,
        new Stats(
            hub,
            figures.connections(hub),
            figures.sessions(hub),
            space == null ? 0 : space.subscriptions().size(),
            space == null ? 0 : space.retained().size(),
            figures.received(hub),
            space == null
                ? new Refusals(0, 0, 0)
                : new Refusals(
                    space.refusals().connections.sum(),
                    space.refusals().messageSize.sum(),
                    space.refusals().retained.sum()),
            quotaRefusals(hub),
            isDefault
                ? new Server(
                    m.publishSent(),
                    m.publishDropped(),
                    m.bytesReceived.sum(),
                    m.bytesSent.sum(),
                    m.clientsMaximum.get(),
                    m.connectionsAccepted.sum(),
                    m.connectRefused.sum(),
                    loginsRefused())
                : null));
  }

  /** The hubs' quota refusals; null while the server has no quotas. */
  private volatile QuotaBook quotas;

  /** Shows the hubs' quota refusals from {@code book} from now on. */
  void quotas(QuotaBook book) {
    this.quotas = book;
  }

  private QuotaRefusals quotaRefusals(String hub) {
    QuotaBook book = quotas;
    if (book == null) {
      return new QuotaRefusals(0, 0, 0);
    }
    HubQuotaCounters c = book.countersOf(hub);
    return new QuotaRefusals(
        c.publishesRefused.sum(), c.deliveriesDropped.sum(), c.disconnects.sum());
  }

  /** MQTT logins refused since start, by reason (those that happened), as /metrics has them. */
  private Map<String, Long> loginsRefused() {
    Map<String, Long> out = new TreeMap<>();
    if (authenticator != null) {
      for (HubAuthenticator.Refusal why : HubAuthenticator.Refusal.values()) {
        long n = authenticator.refusals(why);
        if (n > 0) {
          out.put(why.name().toLowerCase(Locale.ROOT), n);
        }
      }
    }
    return out;
  }

  private void history(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    json.send(
        ctx,
        new History(
            RateHistory.INTERVAL_SECONDS,
            history.points(hub).stream()
                .map(
                    p ->
                        new PointView(
                            Values.time(p.atMillis()),
                            p.messagesIn(),
                            p.connections(),
                            p.messagesOut(),
                            p.drops(),
                            p.bytesIn(),
                            p.bytesOut()))
                .toList()));
  }
}
