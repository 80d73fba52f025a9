package dev.switchboard.cluster.routes;

import dev.switchboard.broker.routing.FilterListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * from the broker ({@link #listener}) are written as one update per shard key, sent straight to
 * every node ({@code WriteAll}) rather than left to gossip: that is what makes a new subscription
 * reach the other nodes in tens of milliseconds. A change that comes when nothing was written for
 * {@link #GATHER} is written at once, with whatever else is in the mailbox by then; one that comes
 * sooner waits for the rest of that interval, gathering the changes after it, so that a burst of
 * subscriptions costs a few updates, not one each (each update carries its key's whole map). An
 * update that does not reach every node in time is not retried: it is applied here, and gossip
 * carries it.
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

  private record Change(boolean add, String entry) {}

  private final ReplicatorMessageAdapter<Command, ORMultiMap<String, String>> replicator;
  private final TimerScheduler<Command> timers;
  private final RouteShards shards;
  private final SelfUniqueAddress self;
  private final String selfKey;
  private final Map<Key<ORMultiMap<String, String>>, List<Change>> pending = new LinkedHashMap<>();
  private boolean flushComing;
  private long lastFlush = System.nanoTime() - GATHER.toNanos();

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
    this.timers = timers;
    this.shards = shards;
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    this.selfKey = selfKey;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FilterAdded.class, c -> change(true, RouteShards.entry(c.hub(), c.filterKey())))
        .onMessage(
            FilterRemoved.class, c -> change(false, RouteShards.entry(c.hub(), c.filterKey())))
        .onMessageEquals(Flush.INSTANCE, this::flush)
        .onMessage(ForgetNode.class, this::forget)
        .onMessage(Written.class, this::written)
        .build();
  }

  private Behavior<Command> change(boolean add, String entry) {
    pending
        .computeIfAbsent(shards.keyOf(entry), k -> new ArrayList<>())
        .add(new Change(add, entry));
    if (!flushComing) {
      flushComing = true;
      long wait = GATHER.toNanos() - (System.nanoTime() - lastFlush);
      if (wait <= 0) {
        // behind whatever the mailbox holds already: a burst's changes go in one update
        getContext().getSelf().tell(Flush.INSTANCE);
      } else {
        timers.startSingleTimer(Flush.INSTANCE, Flush.INSTANCE, Duration.ofNanos(wait));
      }
    }
    return this;
  }

  private Behavior<Command> flush() {
    flushComing = false;
    lastFlush = System.nanoTime();
    for (var e : pending.entrySet()) {
      List<Change> changes = List.copyOf(e.getValue());
      replicator.askUpdate(
          replyTo ->
              new Replicator.Update<>(
                  e.getKey(),
                  ORMultiMap.emptyWithValueDeltas(),
                  new Replicator.WriteAll(WRITE_TIMEOUT),
                  replyTo,
                  map -> apply(map, changes)),
          Written::new);
    }
    pending.clear();
    return this;
  }

  private ORMultiMap<String, String> apply(ORMultiMap<String, String> map, List<Change> changes) {
    ORMultiMap<String, String> m = map;
    for (Change c : changes) {
      m =
          c.add
              ? m.addBindingBy(selfKey, c.entry, self)
              : m.removeBindingBy(selfKey, c.entry, self);
    }
    return m;
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

  private Behavior<Command> written(Written w) {
    if (w.response() instanceof Replicator.UpdateTimeout<?> t) {
      log.debug("route update {} did not reach every node in time; gossip carries it", t.key());
    } else if (!(w.response() instanceof Replicator.UpdateSuccess<?>)) {
      log.warn("route update failed: {}", w.response());
    }
    return this;
  }
}
