package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's side of the API put together on a running broker: its routes, the topic activity (a
 * route target, added here and removed on {@link #close}) and the sampler thread.
 */
public final class BrokerResources implements AutoCloseable {
  private final Broker broker;
  private final TopicActivity activity;
  private final LiveSampler sampler;
  private final StreamRoutes streams;
  private final List<ApiRoute> routes = new ArrayList<>();

  public BrokerResources(
      Broker broker, HttpSettings settings, ExistingHub hubs, Json json, Audit audit) {
    this.broker = broker;
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
    routes.addAll(new StatsRoutes(live, history, hubs, json).routes());
    this.streams =
        new StreamRoutes(live, hubs, json, settings.streamBuffer(), settings.maxStreams());
    routes.addAll(streams.routes());
    if (activity != null) {
      broker.router().addTarget(activity);
    }
    this.sampler = new LiveSampler(broker, activity, history);
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
  }
}
