package dev.switchboard.http.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/hubs/{hub}/topics}: the hub's live topics as a tree, each with its messages
 * and last activity (from {@link TopicActivity}; the last hour's topics) and whether it holds a
 * retained message. {@code ?prefix=lab/room1} roots the tree there, {@code ?depth=} bounds how many
 * levels under it are shown, {@code ?contains=} keeps the topics whose name holds that text.
 */
public final class TopicRoutes {
  /** Nodes an answer holds at most; past it the answer says it was truncated. */
  static final int MAX_NODES = 10_000;

  private final LiveState live;
  private final TopicActivity activity;
  private final ExistingHub hubs;
  private final Json json;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Node(
      String name,
      String topic,
      Long messages,
      String lastActivity,
      Boolean retained,
      long subtreeMessages,
      int subtreeTopics,
      List<Node> children) {}

  record Tree(String prefix, int topics, boolean truncated, List<Node> children) {}

  /** A level of the tree being built. */
  private static final class Level {
    final TreeMap<String, Level> children = new TreeMap<>();
    boolean isTopic;
    long messages;
    long lastMillis;
    boolean retained;
    long subtreeMessages;
    int subtreeTopics;
  }

  public TopicRoutes(LiveState live, TopicActivity activity, ExistingHub hubs, Json json) {
    this.live = live;
    this.activity = activity;
    this.hubs = hubs;
    this.json = json;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get("/api/v1/hubs/{hub}/topics", Access.READ, this::tree));
  }

  private void tree(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String prefix = ctx.queryParam("prefix");
    if (prefix != null && (prefix.isEmpty() || !Topics.isValidName(prefix))) {
      throw Problem.invalid("prefix", "a prefix is a topic name such as lab/room1");
    }
    String contains = ctx.queryParam("contains");
    int depth;
    try {
      depth = Integer.parseInt(ctx.queryParamAsClass("depth", String.class).getOrDefault("8"));
    } catch (NumberFormatException e) {
      depth = -1;
    }
    if (depth < 1 || depth > 64) {
      throw Problem.invalid("depth", "depth is 1 to 64");
    }
    Level root = new Level();
    int[] topics = {0};
    for (Map.Entry<String, TopicActivity.Topic> e : activity.topics(hub).entrySet()) {
      Level l = place(root, e.getKey(), prefix, contains, topics);
      if (l != null) {
        l.messages = e.getValue().messages();
        l.lastMillis = e.getValue().lastMillis();
      }
    }
    TopicSpaces.Space space = live.space(hub);
    if (space != null) {
      for (Message m : space.retained().match(prefix == null ? "#" : prefix + "/#")) {
        Level l = place(root, m.topic(), prefix, contains, topics);
        if (l != null) {
          l.retained = true;
        }
      }
    }
    total(root);
    int[] budget = {MAX_NODES};
    List<Node> children = nodes(root, prefix, depth, budget);
    json.send(ctx, new Tree(prefix, topics[0], budget[0] < 0, children));
  }

  /** The level of {@code topic} under the prefix, made as needed; null when it is not shown. */
  private static Level place(
      Level root, String topic, String prefix, String contains, int[] topics) {
    String rest;
    if (prefix == null) {
      rest = topic;
    } else if (topic.startsWith(prefix + "/")) {
      rest = topic.substring(prefix.length() + 1);
    } else {
      return null;
    }
    if (contains != null && !topic.contains(contains)) {
      return null;
    }
    Level l = root;
    for (String name : rest.split("/", -1)) {
      l = l.children.computeIfAbsent(name, n -> new Level());
    }
    if (!l.isTopic) {
      l.isTopic = true;
      topics[0]++;
    }
    return l;
  }

  private static void total(Level l) {
    l.subtreeMessages = l.messages;
    l.subtreeTopics = l.isTopic ? 1 : 0;
    for (Level c : l.children.values()) {
      total(c);
      l.subtreeMessages += c.subtreeMessages;
      l.subtreeTopics += c.subtreeTopics;
    }
  }

  private static List<Node> nodes(Level l, String parent, int depth, int[] budget) {
    List<Node> out = new ArrayList<>();
    for (Map.Entry<String, Level> e : l.children.entrySet()) {
      if (--budget[0] < 0) {
        break;
      }
      Level c = e.getValue();
      String topic = parent == null ? e.getKey() : parent + "/" + e.getKey();
      out.add(
          new Node(
              e.getKey(),
              topic,
              c.isTopic ? c.messages : null,
              c.isTopic ? Values.time(c.lastMillis) : null,
              c.isTopic ? c.retained : null,
              c.subtreeMessages,
              c.subtreeTopics,
              depth > 1 && !c.children.isEmpty() ? nodes(c, topic, depth - 1, budget) : null));
    }
    return out;
  }
}
