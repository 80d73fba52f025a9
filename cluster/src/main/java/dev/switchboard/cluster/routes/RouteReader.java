package dev.switchboard.cluster.routes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORMultiMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * Follows the replicated route map and keeps {@link RemoteRoutes} in step with it: for each shard
 * key that changed, what each other node added and removed since the last change is applied to the
 * index (this node's own entries are skipped: its sessions are matched by the broker itself).
 */
public final class RouteReader extends AbstractBehavior<RouteReader.Command> {
  /** What the reader takes: the replicator's change notifications. */
  public sealed interface Command {}

  private record Changed(Replicator.SubscribeResponse<ORMultiMap<String, String>> response)
      implements Command {}

  private final RemoteRoutes routes;
  private final String selfKey;

  /** Per shard key: what each node had in it at the last change. */
  private final Map<Key<ORMultiMap<String, String>>, Map<String, Set<String>>> seen =
      new HashMap<>();

  public static Behavior<Command> create(RouteShards shards, String selfKey, RemoteRoutes routes) {
    return Behaviors.setup(
        ctx ->
            DistributedData.<Command, ORMultiMap<String, String>>withReplicatorMessageAdapter(
                adapter -> new RouteReader(ctx, adapter, shards, selfKey, routes)));
  }

  private RouteReader(
      ActorContext<Command> ctx,
      ReplicatorMessageAdapter<Command, ORMultiMap<String, String>> replicator,
      RouteShards shards,
      String selfKey,
      RemoteRoutes routes) {
    super(ctx);
    this.routes = routes;
    this.selfKey = selfKey;
    for (Key<ORMultiMap<String, String>> key : shards.keys()) {
      replicator.subscribe(key, Changed::new);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Changed.class, this::changed).build();
  }

  private Behavior<Command> changed(Changed c) {
    if (!(c.response() instanceof Replicator.Changed<ORMultiMap<String, String>> changed)) {
      return this; // deleted: never done to route keys
    }
    Map<String, Set<String>> now = new HashMap<>();
    changed
        .dataValue()
        .getEntries()
        .forEach(
            (node, entries) -> {
              if (!node.equals(selfKey)) {
                now.put(node, new HashSet<>(entries));
              }
            });
    Map<String, Set<String>> before = seen.getOrDefault(changed.key(), Map.of());
    for (var e : now.entrySet()) {
      Set<String> had = before.getOrDefault(e.getKey(), Set.of());
      for (String entry : e.getValue()) {
        if (!had.contains(entry)) {
          routes.add(e.getKey(), entry);
        }
      }
    }
    for (var e : before.entrySet()) {
      Set<String> has = now.getOrDefault(e.getKey(), Set.of());
      for (String entry : e.getValue()) {
        if (!has.contains(entry)) {
          routes.remove(e.getKey(), entry);
        }
      }
    }
    seen.put(changed.key(), now);
    return this;
  }
}
