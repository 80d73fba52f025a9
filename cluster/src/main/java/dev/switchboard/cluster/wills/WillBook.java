package dev.switchboard.cluster.wills;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.cluster.replicated.GatheredWrites;
import dev.switchboard.cluster.wire.NodeKeys;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wills of this node's connections that would die with it, in a replicated map every node holds
 * a copy of; and, on the oldest node, the publisher of a downed node's wills.
 *
 * <p>The map is spread over {@link #SHARDS} {@code LWWMap} keys ({@code switchboard-wills-N}); an
 * entry's key is the holding node's key, the hub and the client id (separated by U+0000, which none
 * of them contains), its value the will ({@link WillCodec}). Changes from the broker go to every
 * node at once, gathered as {@link GatheredWrites} gathers them, as routes do.
 *
 * <p>When a member is removed after being downed (it crashed, hung, or was on the minority side of
 * a split), the oldest member that is up publishes every will that member held, except those of
 * client ids that hold a will on another node by then (the client came back elsewhere before its
 * old node was declared dead: the will would say it is gone when it is not), and deletes them. A
 * member that left on purpose published its wills itself as its broker stopped, and its entries are
 * only deleted. A will is published at most once by this book when the oldest member does not
 * change while it works; if it dies in the middle, the next oldest publishes what is left, and a
 * will may then be published twice.
 */
public final class WillBook extends AbstractBehavior<WillBook.Command> {
  private static final Logger log = LoggerFactory.getLogger(WillBook.class);

  /** How many replicated keys the wills are spread over; the same on every node. */
  static final int SHARDS = 16;

  /** At least this long between two writes; changes that come meanwhile are gathered. */
  static final Duration GATHER = Duration.ofMillis(5);

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);
  private static final char SEPARATOR = '\u0000';

  /** What the book takes. */
  public sealed interface Command {}

  /** The connection of {@code clientId} in {@code hub} here holds {@code will}. */
  public record Holds(String hub, String clientId, byte[] will) implements Command {}

  /** It holds none any more. */
  public record Released(String hub, String clientId) implements Command {}

  /**
   * The connections of {@code clientId} in {@code hub} on {@code nodes} are lost (those nodes did
   * not release the id to a claim): publishes the wills they held, if this node's copy of the book
   * has them, and deletes them, so that nobody publishes them again; answers how many it published.
   */
  public record PublishLost(
      String hub, String clientId, List<String> nodes, ActorRef<Integer> replyTo)
      implements Command {}

  private record LostRead(PublishLost ask, Replicator.GetResponse<LWWMap<String, byte[]>> response)
      implements Command {}

  private record Removed(ClusterEvent.MemberRemoved event) implements Command {}

  private enum Flush implements Command {
    INSTANCE
  }

  private record Written(Replicator.UpdateResponse<LWWMap<String, byte[]>> response)
      implements Command {}

  private record Read(
      String removed, boolean publish, Replicator.GetResponse<LWWMap<String, byte[]>> response)
      implements Command {}

  private final ReplicatorMessageAdapter<Command, LWWMap<String, byte[]>> replicator;
  private final SelfUniqueAddress self;
  private final String selfKey;
  private final Consumer<Message> publish;
  private final List<Key<LWWMap<String, byte[]>>> keys;

  /** Per entry: its will, or null to remove it. */
  private final GatheredWrites<Command, LWWMap<String, byte[]>, byte[]> writes;

  /** What is read of a removed node's entries, shard by shard, until all are in. */
  private final Map<String, Harvest> harvests = new HashMap<>();

  /**
   * @param selfKey this node's key, under which its wills are kept
   * @param publish publishes a will (the broker's {@code publish}), from this actor's thread
   */
  public static Behavior<Command> create(String selfKey, Consumer<Message> publish) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    DistributedData.<Command, LWWMap<String, byte[]>>withReplicatorMessageAdapter(
                        adapter -> new WillBook(ctx, adapter, timers, selfKey, publish))));
  }

  private WillBook(
      ActorContext<Command> ctx,
      ReplicatorMessageAdapter<Command, LWWMap<String, byte[]>> replicator,
      TimerScheduler<Command> timers,
      String selfKey,
      Consumer<Message> publish) {
    super(ctx);
    this.replicator = replicator;
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    SelfUniqueAddress me = self;
    this.writes =
        new GatheredWrites<>(
            "will",
            GATHER,
            WRITE_TIMEOUT,
            LWWMap.empty(),
            (map, entry, will) ->
                will != null
                    ? map.put(me, entry, will)
                    : map.contains(entry) ? map.remove(me, entry) : map,
            replicator,
            timers,
            ctx.getSelf(),
            Flush.INSTANCE,
            Written::new);
    this.selfKey = selfKey;
    this.publish = publish;
    List<Key<LWWMap<String, byte[]>>> k = new ArrayList<>(SHARDS);
    for (int i = 0; i < SHARDS; i++) {
      k.add(LWWMapKey.create("switchboard-wills-" + i));
    }
    this.keys = List.copyOf(k);
    ActorRef<ClusterEvent.MemberRemoved> removals =
        ctx.messageAdapter(ClusterEvent.MemberRemoved.class, Removed::new);
    Cluster.get(ctx.getSystem())
        .subscriptions()
        .tell(Subscribe.create(removals, ClusterEvent.MemberRemoved.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Holds.class, h -> change(h.hub(), h.clientId(), h.will()))
        .onMessage(Released.class, r -> change(r.hub(), r.clientId(), null))
        .onMessageEquals(
            Flush.INSTANCE,
            () -> {
              writes.flush();
              return this;
            })
        .onMessage(
            Written.class,
            w -> {
              writes.written(w.response());
              return this;
            })
        .onMessage(PublishLost.class, this::publishLost)
        .onMessage(LostRead.class, this::lostRead)
        .onMessage(Removed.class, this::removed)
        .onMessage(Read.class, this::read)
        .build();
  }

  /** The entry key of {@code clientId} in {@code hub} held by {@code node}. */
  static String entry(String node, String hub, String clientId) {
    return node + SEPARATOR + hub + SEPARATOR + clientId;
  }

  private Key<LWWMap<String, byte[]>> shardOf(String hub, String clientId) {
    return keys.get(Math.floorMod((hub + SEPARATOR + clientId).hashCode(), SHARDS));
  }

  private Behavior<Command> change(String hub, String clientId, byte[] will) {
    writes.change(shardOf(hub, clientId), entry(selfKey, hub, clientId), will);
    return this;
  }

  private Behavior<Command> publishLost(PublishLost p) {
    replicator.askGet(
        replyTo ->
            new Replicator.Get<>(shardOf(p.hub(), p.clientId()), Replicator.readLocal(), replyTo),
        response -> new LostRead(p, response));
    return this;
  }

  private Behavior<Command> lostRead(LostRead r) {
    PublishLost p = r.ask();
    int published = 0;
    if (r.response() instanceof Replicator.GetSuccess<LWWMap<String, byte[]>> ok) {
      Map<String, byte[]> entries = ok.dataValue().getEntries();
      for (String node : p.nodes()) {
        String entry = entry(node, p.hub(), p.clientId());
        byte[] will = entries.get(entry);
        if (will == null) {
          continue;
        }
        try {
          publish.accept(WillCodec.decode(will).toPublish(System.nanoTime()).inHub(p.hub()));
          published++;
        } catch (IOException | RuntimeException ex) {
          log.warn("a will held on node {} cannot be read: {}", node, ex.toString());
        }
        writes.change(ok.key(), entry, null); // published: deleted everywhere
      }
    }
    if (published > 0) {
      log.info(
          "published the will of a client id of hub {} held on node(s) {}, which did not release"
              + " it to a new connection here",
          p.hub(),
          p.nodes());
    }
    p.replyTo().tell(published);
    return this;
  }

  private Behavior<Command> removed(Removed r) {
    Member m = r.event().member();
    String node = NodeKeys.of(m.uniqueAddress());
    if (node.equals(selfKey) || !isOldestUp()) {
      return this;
    }
    // a member that left on purpose published its wills as its broker stopped
    boolean publish = r.event().previousStatus() != MemberStatus.exiting();
    harvests.put(node, new Harvest(publish));
    for (Key<LWWMap<String, byte[]>> key : keys) {
      replicator.askGet(
          replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo),
          response -> new Read(node, publish, response));
    }
    return this;
  }

  /** Whether this node is the oldest of the members that are up (the one that publishes). */
  private boolean isOldestUp() {
    Member oldest = null;
    for (Member m : Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (m.status() == MemberStatus.up() && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return oldest != null && NodeKeys.of(oldest.uniqueAddress()).equals(selfKey);
  }

  private Behavior<Command> read(Read r) {
    Harvest h = harvests.get(r.removed());
    if (h == null) {
      return this;
    }
    if (r.response() instanceof Replicator.GetSuccess<LWWMap<String, byte[]>> ok) {
      h.add(ok.key(), ok.dataValue().getEntries(), r.removed());
    }
    if (++h.shardsRead < SHARDS) {
      return this;
    }
    harvests.remove(r.removed());
    if (h.publish) {
      publishWills(r.removed(), h);
    }
    forget(h);
    return this;
  }

  /**
   * Publishes the wills the removed node held, except those of client ids that hold a will on
   * another node by now.
   */
  private void publishWills(String removed, Harvest h) {
    int published = 0;
    int skipped = 0;
    for (var e : h.theirs.entrySet()) {
      String idKey = e.getKey().substring(removed.length() + 1); // hub U+0000 client id
      if (h.heldElsewhere.contains(idKey)) {
        skipped++;
        continue;
      }
      String hub = idKey.substring(0, idKey.indexOf(SEPARATOR));
      try {
        PendingWill will = WillCodec.decode(e.getValue().will());
        publish.accept(will.toPublish(System.nanoTime()).inHub(hub));
        published++;
      } catch (IOException | RuntimeException ex) {
        log.warn("a will of removed node {} cannot be read: {}", removed, ex.toString());
      }
    }
    log.info(
        "published {} wills of downed node {} ({} skipped: their clients hold a will on another"
            + " node now)",
        published,
        removed,
        skipped);
  }

  /** Deletes the removed node's entries (writes here; gossip carries it). */
  private void forget(Harvest h) {
    Map<Key<LWWMap<String, byte[]>>, List<String>> byShard = new HashMap<>();
    h.theirs.forEach(
        (entry, held) -> byShard.computeIfAbsent(held.shard(), k -> new ArrayList<>()).add(entry));
    byShard.forEach(
        (key, entries) ->
            replicator.askUpdate(
                replyTo ->
                    new Replicator.Update<>(
                        key,
                        LWWMap.empty(),
                        Replicator.writeLocal(),
                        replyTo,
                        map -> {
                          LWWMap<String, byte[]> m = map;
                          for (String entry : entries) {
                            if (m.contains(entry)) {
                              m = m.remove(self, entry);
                            }
                          }
                          return m;
                        }),
                Written::new));
  }

  /** An entry of the removed node: its will, and the shard it is in. */
  private record Held(byte[] will, Key<LWWMap<String, byte[]>> shard) {}

  /** A removed node's entries, read shard by shard. */
  private static final class Harvest {
    final boolean publish;
    final Map<String, Held> theirs = new LinkedHashMap<>();

    /** Hub U+0000 client id of every will held by another node. */
    final Set<String> heldElsewhere = new HashSet<>();

    int shardsRead;

    Harvest(boolean publish) {
      this.publish = publish;
    }

    void add(Key<LWWMap<String, byte[]>> shard, Map<String, byte[]> entries, String removed) {
      String prefix = removed + SEPARATOR;
      for (var e : entries.entrySet()) {
        if (e.getKey().startsWith(prefix)) {
          theirs.put(e.getKey(), new Held(e.getValue(), shard));
        } else {
          int cut = e.getKey().indexOf(SEPARATOR);
          heldElsewhere.add(e.getKey().substring(cut + 1));
        }
      }
    }
  }
}
