package dev.switchboard.cluster.routes;

import dev.switchboard.broker.routing.FilterListener;
import dev.switchboard.cluster.replicated.GatheredWrites;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORMultiMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's filters into the replicated route map, under this node's key only. Changes
 * from the broker ({@link #listener}) go to every node at once, gathered as {@link GatheredWrites}
 * gathers them (at least {@link #GATHER} between two writes): that is what makes a new subscription
 * reach the other nodes in tens of milliseconds.
 *
 * <p>It also deletes a removed node's routes, when the membership asks it to after the grace
 * period: any node may, and all do (removing what is already gone changes nothing).
 */
public final class RouteWriter extends AbstractBehavior<RouteWriter.Command> {
  private static final Logger log = LoggerFactory.getLogger(RouteWriter.class);

  /** At least this long between two writes; changes that come meanwhile are gathered. */
  static final Duration GATHER = Duration.ofMillis(5);

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  /** What the writer takes. */
  public sealed interface Command {}

  /** {@code hub} gained a filter here. */
  public record FilterAdded(String hub, String filterKey) implements Command {}

  /** {@code hub} lost a filter here. */
  public record FilterRemoved(String hub, String filterKey) implements Command {}

  /** Deletes every route of the node {@code nodeKey} (it was removed from the cluster). */
  public record ForgetNode(String nodeKey) implements Command {}

  private enum Flush implements Command {
    INSTANCE
  }

  private record Written(Replicator.UpdateResponse<ORMultiMap<String, String>> response)
      implements Command {}

  private final ReplicatorMessageAdapter<Command, ORMultiMap<String, String>> replicator;
  private final RouteShards shards;
  private final SelfUniqueAddress self;

  /** Per entry: true to add it, false to remove it. */
  private final GatheredWrites<Command, ORMultiMap<String, String>, Boolean> writes;

  /**
   * @param shards the route keys
   * @param selfKey this node's key (its unique address), under which its routes are kept
   */
  public static Behavior<Command> create(RouteShards shards, String selfKey) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    DistributedData
                        .<Command, ORMultiMap<String, String>>withReplicatorMessageAdapter(
                            adapter -> new RouteWriter(ctx, adapter, timers, shards, selfKey))));
  }

  /** The broker's filter listener that tells {@code writer}; safe to call from any thread. */
  public static FilterListener listener(ActorRef<Command> writer) {
    return new FilterListener() {
      @Override
      public void filterAdded(String hub, String filterKey) {
        writer.tell(new FilterAdded(hub, filterKey));
      }

      @Override
      public void filterRemoved(String hub, String filterKey) {
        writer.tell(new FilterRemoved(hub, filterKey));
      }
    };
  }

  private RouteWriter(
      ActorContext<Command> ctx,
      ReplicatorMessageAdapter<Command, ORMultiMap<String, String>> replicator,
      TimerScheduler<Command> timers,
      RouteShards shards,
      String selfKey) {
    super(ctx);
    this.replicator = replicator;
    this.shards = shards;
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    SelfUniqueAddress me = self;
    this.writes =
        new GatheredWrites<>(
            "route",
            GATHER,
            WRITE_TIMEOUT,
            ORMultiMap.emptyWithValueDeltas(),
            (map, entry, add) ->
                add
                    ? map.addBindingBy(selfKey, entry, me)
                    : map.removeBindingBy(selfKey, entry, me),
            replicator,
            timers,
            ctx.getSelf(),
            Flush.INSTANCE,
            Written::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FilterAdded.class, c -> change(true, RouteShards.entry(c.hub(), c.filterKey())))
        .onMessage(
            FilterRemoved.class, c -> change(false, RouteShards.entry(c.hub(), c.filterKey())))
        .onMessageEquals(
            Flush.INSTANCE,
            () -> {
              writes.flush();
              return this;
            })
        .onMessage(ForgetNode.class, this::forget)
        .onMessage(
            Written.class,
            w -> {
              writes.written(w.response());
              return this;
            })
        .build();
  }

  private Behavior<Command> change(boolean add, String entry) {
    writes.change(shards.keyOf(entry), entry, add);
    return this;
  }

  private Behavior<Command> forget(ForgetNode f) {
    for (Key<ORMultiMap<String, String>> key : shards.keys()) {
      replicator.askUpdate(
          replyTo ->
              new Replicator.Update<>(
                  key,
                  ORMultiMap.emptyWithValueDeltas(),
                  Replicator.writeLocal(),
                  replyTo,
                  map -> map.contains(f.nodeKey()) ? map.remove(self, f.nodeKey()) : map),
          Written::new);
    }
    log.info("routes of removed node {} deleted", f.nodeKey());
    return this;
  }
}
