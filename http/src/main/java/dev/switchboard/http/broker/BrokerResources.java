package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.cluster.ClusterRoutes;
import dev.switchboard.http.cluster.ClusterView;
import dev.switchboard.hub.auth.HubAuthenticator;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.quota.QuotaBook;
import dev.switchboard.hub.registry.RegistryRepository;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The broker's side of the API put together on a running broker: its routes, the topic activity (a
 * route target, added here and removed on {@link #close}) and the sampler thread.
 */
public final class BrokerResources implements AutoCloseable {
  private final Broker broker;
  private final TopicActivity activity;
  private final LiveSampler sampler;
  private final StreamRoutes streams;
  private final BrokerMeters meters;
  private final MetricsRoutes metrics;
  private final Json json;
  private final List<ApiRoute> routes = new ArrayList<>();

  /**
   * @param registry the registry, where the rule check finds a device
   * @param authenticator the MQTT logins' checks, for {@code /metrics}; null when there is none
   * @param adminThrottle the HTTP administrators' failed logins, for {@code /metrics}
   * @param findCaller the caller of a request, null without credentials ({@code /metrics}' check)
   */
  private final StatsRoutes stats;

  public BrokerResources(
      Broker broker,
      LiveSettings settings,
      ExistingHub hubs,
      RegistryRepository registry,
      Json json,
      Audit audit,
      HubAuthenticator authenticator,
      LoginThrottle adminThrottle,
      Function<Context, Caller> findCaller) {
    this.broker = broker;
    this.json = json;
    LiveState live = new LiveState(broker);
    this.activity =
        settings.topicSampleRing() > 0 ? new TopicActivity(settings.topicSampleRing()) : null;
    RateHistory history = new RateHistory(broker);
    routes.addAll(new ClientRoutes(live, hubs, json, audit).routes());
    routes.addAll(new SessionRoutes(live, hubs, json, audit).routes());
    routes.addAll(new RetainedRoutes(live, hubs, json, audit).routes());
    routes.addAll(new PublishRoutes(live, hubs, json).routes());
    routes.addAll(
        new TopicRoutes(live, activity == null ? new TopicActivity(2) : activity, hubs, json)
            .routes());
    this.stats = new StatsRoutes(live, history, hubs, json, authenticator);
    routes.addAll(stats.routes());
    routes.addAll(new RuleCheckRoutes(broker, registry, hubs, json).routes());
    this.streams =
        new StreamRoutes(live, hubs, json, settings.streamBuffer(), settings.maxStreams());
    routes.addAll(streams.routes());
    this.meters = new BrokerMeters(broker, live, authenticator, adminThrottle, streams::open);
    this.metrics =
        new MetricsRoutes(
            meters, settings.metricsForAnyone(), settings.metricsForLoopback(), findCaller);
    routes.addAll(metrics.routes());
    if (activity != null) {
      broker.router().addTarget(activity);
    }
    this.sampler = new LiveSampler(broker, activity, history);
  }

  /**
   * Shows the hubs' quota refusals from {@code book} in {@code /metrics} and the hubs' statistics.
   */
  public void quotas(QuotaBook book) {
    meters.quotas(book);
    stats.quotas(book);
  }

  /**
   * Shows this server as a node of a cluster: {@code GET /api/v1/cluster} (read as {@code /metrics}
   * is) and the cluster's meters in {@code /metrics}. Before {@link #routes()} is read.
   */
  public void cluster(ClusterView view) {
    meters.cluster(view);
    routes.addAll(new ClusterRoutes(view, json, metrics::checkMayRead).routes());
  }

  /** Live streams open now. */
  public int openStreams() {
    return streams.open();
  }

  public List<ApiRoute> routes() {
    return List.copyOf(routes);
  }

  @Override
  public void close() {
    if (activity != null) {
      broker.router().removeTarget(activity);
    }
    sampler.close();
    meters.close();
  }
}
