package dev.switchboard.cluster.routes;

import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.mqtt.topic.SharedSubscription;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The other nodes' routes, as this node knows them: one {@link SubscriptionIndex} per hub whose
 * subscribers are node keys, so a topic is matched against remote filters by the same trie (and the
 * same {@code $}-topic and shared group rules) as against local ones. Read without locks by every
 * event loop that publishes; changed by the {@link RouteReader} only.
 */
public final class RemoteRoutes {
  private final ConcurrentHashMap<String, SubscriptionIndex<String>> hubs =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perNode = new ConcurrentHashMap<>();

  /** Finds the nodes whose filters in {@code hub} match {@code topic}. */
  public void match(String hub, String topic, SubscriptionIndex.MatchSink<String> sink) {
    SubscriptionIndex<String> index = hubs.get(hub);
    if (index != null) {
      index.match(topic, sink);
    }
  }

  /** Routes known per node (its key), for status. */
  public Map<String, Integer> countsPerNode() {
    Map<String, Integer> out = new TreeMap<>();
    perNode.forEach((node, n) -> out.put(node, n.get()));
    return out;
  }

  /** Adds a route of {@code node} (its key); {@code entry} as {@link RouteShards} makes it. */
  public void add(String node, String entry) {
    String hub = RouteShards.hubOf(entry);
    String filterKey = RouteShards.filterOf(entry);
    SubscriptionIndex<String> index = hubs.computeIfAbsent(hub, h -> new SubscriptionIndex<>());
    SharedSubscription shared = SharedSubscription.parse(filterKey);
    boolean added =
        shared != null
            ? index.subscribeShared(node, shared.group(), shared.filter())
            : index.subscribe(node, filterKey);
    if (added) {
      perNode.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
    }
  }

  /** Removes a route of {@code node}. */
  public void remove(String node, String entry) {
    String hub = RouteShards.hubOf(entry);
    String filterKey = RouteShards.filterOf(entry);
    SubscriptionIndex<String> index = hubs.get(hub);
    if (index == null) {
      return;
    }
    SharedSubscription shared = SharedSubscription.parse(filterKey);
    boolean removed =
        shared != null
            ? index.unsubscribeShared(node, shared.group(), shared.filter())
            : index.unsubscribe(node, filterKey);
    if (removed) {
      AtomicInteger n = perNode.get(node);
      if (n != null && n.decrementAndGet() <= 0) {
        perNode.remove(node, n);
      }
    }
  }
}
