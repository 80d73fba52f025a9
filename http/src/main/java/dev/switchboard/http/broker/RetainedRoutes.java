package dev.switchboard.http.broker;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hub's retained messages: {@code /api/v1/hubs/{hub}/retained} lists those under a filter ({@code
 * ?filter=lab/#}), {@code .../retained/message?topic=} reads one, and DELETE removes one ({@code
 * ?topic=}) or a whole subtree ({@code ?filter=lab/#}), from memory and from the store. Topics
 * travel in query parameters, never in the path.
 */
public final class RetainedRoutes {
  private static final String BASE = "/api/v1/hubs/{hub}/retained";

  private final LiveState live;
  private final ExistingHub hubs;
  private final Json json;
  private final Audit audit;

  record RetainedItem(String topic, int qos, int payloadSize) {}

  public RetainedRoutes(LiveState live, ExistingHub hubs, Json json, Audit audit) {
    this.live = live;
    this.hubs = hubs;
    this.json = json;
    this.audit = audit;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get(BASE, Access.READ, this::list),
        ApiRoute.get(BASE + "/message", Access.READ, this::read),
        ApiRoute.delete(BASE, Access.WRITE, this::remove));
  }

  private static String filter(Context ctx, String name, String fallback) {
    String filter = ctx.queryParam(name);
    if (filter == null) {
      return fallback;
    }
    if (!Topics.isValidFilter(filter)) {
      throw Problem.invalid(name, "'" + filter + "' is not a topic filter");
    }
    return filter;
  }

  private static String topic(Context ctx) {
    String topic = ctx.queryParam("topic");
    if (topic == null || !Topics.isValidName(topic)) {
      throw Problem.invalid("topic", "give a topic name (without wildcards) as ?topic=");
    }
    return topic;
  }

  private List<Message> matching(String hub, String filter) {
    TopicSpaces.Space space = live.space(hub);
    return space == null ? List.of() : space.retained().match(filter);
  }

  private void list(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String filter = filter(ctx, "filter", "#");
    int limit = Cursor.limit(ctx);
    String cursor = Cursor.key(ctx);
    List<KeyedPage.Keyed<Message>> keyed = new ArrayList<>();
    for (Message m : matching(hub, filter)) {
      keyed.add(new KeyedPage.Keyed<>(0, m.topic(), m));
    }
    json.send(
        ctx,
        KeyedPage.of(
            keyed, cursor, limit, m -> new RetainedItem(m.topic(), m.qos(), m.payload().length)));
  }

  private void read(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String topic = topic(ctx);
    List<Message> found = matching(hub, topic);
    if (found.isEmpty()) {
      throw Problem.notFound("no retained message on '" + topic + "' in hub '" + hub + "'");
    }
    json.send(ctx, MessageJson.view(found.getFirst()));
  }

  private void remove(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    boolean one = ctx.queryParam("topic") != null;
    if (one == (ctx.queryParam("filter") != null)) {
      throw Problem.invalid("topic", "give ?topic= for one message or ?filter= for a subtree");
    }
    String what = one ? topic(ctx) : filter(ctx, "filter", null);
    TopicSpaces.Space space = live.space(hub);
    int deleted = 0;
    if (space != null) {
      Journal journal = live.broker().journal();
      for (Message m : space.retained().match(what)) {
        space.retained().remove(m.topic());
        if (journal != null) {
          journal.append(new Change.DeleteRetained(m.topic(), m.hub()));
        }
        deleted++;
      }
    }
    if (one && deleted == 0) {
      throw Problem.notFound("no retained message on '" + what + "' in hub '" + hub + "'");
    }
    audit.record(caller, hub, "retained.delete", what, deleted + " deleted");
    json.send(ctx, Map.of("deleted", deleted));
  }
}
