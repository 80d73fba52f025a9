package dev.switchboard.cluster;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.metrics.SysFigures;
import dev.switchboard.broker.routing.FilterListener;
import dev.switchboard.cluster.forward.ClusterRouteTarget;
import dev.switchboard.cluster.forward.Destinations;
import dev.switchboard.cluster.forward.ForwardLatency;
import dev.switchboard.cluster.forward.ForwardMetrics;
import dev.switchboard.cluster.forward.ForwardReceiver;
import dev.switchboard.cluster.forward.Outbox;
import dev.switchboard.cluster.ownership.ClusterOwnership;
import dev.switchboard.cluster.routes.RemoteRoutes;
import dev.switchboard.cluster.routes.RouteReader;
import dev.switchboard.cluster.routes.RouteShards;
import dev.switchboard.cluster.routes.RouteWriter;
import dev.switchboard.cluster.wills.ClusterWills;
import dev.switchboard.cluster.wills.WillBook;
import dev.switchboard.cluster.wire.NodeKeys;
import dev.switchboard.cluster.wire.WireCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a member of a cluster: an actor system on Artery, joined to the seeds, with the
 * split brain resolver on; its filters written to the replicated routes, the other nodes' read into
 * a matching index, and a route target on the broker that forwards what they want. Started after
 * the broker (whose restored sessions' filters it then publishes), closed before it.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  private final ClusterSettings settings;
  private final Broker broker;
  private final ActorSystem<Void> system;
  private final ClusterRouteTarget target;
  private final RemoteRoutes routes;
  private final Destinations destinations;
  private final ForwardMetrics metrics;
  private final String selfKey;
  private final AtomicInteger localFilters;
  private final SysFigures sys = this::sysFigures;
  private volatile Path statusFile;

  /**
   * Set when this node leaves because it was told to ({@link #close}), not because it was downed.
   */
  private final java.util.concurrent.atomic.AtomicBoolean leaving =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** How often the status file is written. */
  public static final Duration STATUS_EVERY = Duration.ofSeconds(2);

  /**
   * How long a claim granted without some nodes' release waits for the will book to publish their
   * wills (a local read and a publish: milliseconds) before it lets the connection in anyway.
   */
  private static final Duration LOST_WILLS_TIMEOUT = Duration.ofSeconds(2);

  private ClusterNode(
      ClusterSettings settings,
      Broker broker,
      ActorSystem<Void> system,
      ClusterRouteTarget target,
      RemoteRoutes routes,
      Destinations destinations,
      ForwardMetrics metrics,
      String selfKey,
      AtomicInteger localFilters) {
    this.localFilters = localFilters;
    this.settings = settings;
    this.broker = broker;
    this.system = system;
    this.target = target;
    this.routes = routes;
    this.destinations = destinations;
    this.metrics = metrics;
    this.selfKey = selfKey;
    broker.addSysFigures(sys);
  }

  /**
   * Starts the node's actor system, which joins the seeds in the background, and plugs it into
   * {@code broker}, which has not started yet.
   *
   * @throws IllegalStateException when the cluster port cannot be bound, naming it, or a TLS file
   *     cannot be used, naming its setting
   */
  public static ClusterNode start(ClusterSettings settings, Broker broker) {
    if (settings.tls() != null) {
      try {
        ClusterTls.check(settings.tls());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    ActorSystem<Void> system;
    try {
      system =
          ActorSystem.create(Behaviors.empty(), PekkoConfig.SYSTEM_NAME, PekkoConfig.of(settings));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cluster port " + settings.self() + " cannot be used: " + e.getMessage(), e);
    }
    String selfKey = NodeKeys.of(Cluster.get(system).selfMember().uniqueAddress());
    ForwardMetrics metrics = new ForwardMetrics();
    RemoteRoutes routes = new RemoteRoutes();
    Destinations destinations = new Destinations();
    RouteShards shards = new RouteShards(settings.routeShards());
    ActorRef<Object> receiver =
        system.systemActorOf(
            ForwardReceiver.create(
                broker.router(),
                broker.spaces(),
                broker.config().retainAvailable(),
                metrics,
                broker.journal()),
            ForwardReceiver.NAME,
            Props.empty());
    system.systemActorOf(
        ForwardReceiver.largeMessages(receiver), ForwardReceiver.LARGE_NAME, Props.empty());
    ActorRef<RouteWriter.Command> writer =
        system.systemActorOf(
            RouteWriter.create(shards, selfKey), "switchboard-route-writer", Props.empty());
    system.systemActorOf(
        RouteReader.create(shards, selfKey, routes), "switchboard-route-reader", Props.empty());
    system.systemActorOf(
        Membership.create(
            selfKey,
            destinations,
            settings.forward(),
            metrics,
            receiver,
            writer,
            settings.routeGrace()),
        "switchboard-membership",
        Props.empty());
    ActorRef<WillBook.Command> wills =
        system.systemActorOf(
            WillBook.create(selfKey, broker::publish), "switchboard-wills", Props.empty());
    broker.willKeeper(new ClusterWills(wills));
    ClusterOwnership.install(
        system,
        broker,
        selfKey,
        settings.nodeName(),
        (hub, clientId, nodes) ->
            AskPattern.<WillBook.Command, Integer>ask(
                wills,
                replyTo -> new WillBook.PublishLost(hub, clientId, nodes, replyTo),
                LOST_WILLS_TIMEOUT,
                system.scheduler()));
    ClusterRouteTarget target = new ClusterRouteTarget(routes, destinations, broker.spaces());
    broker.router().addTarget(target);
    AtomicInteger localFilters = new AtomicInteger();
    FilterListener toWriter = RouteWriter.listener(writer);
    broker
        .spaces()
        .watchFilters(
            new FilterListener() {
              @Override
              public void filterAdded(String hub, String filterKey) {
                localFilters.incrementAndGet();
                toWriter.filterAdded(hub, filterKey);
              }

              @Override
              public void filterRemoved(String hub, String filterKey) {
                localFilters.decrementAndGet();
                toWriter.filterRemoved(hub, filterKey);
              }
            });
    com.typesafe.config.Config pekko = system.settings().config();
    log.info(
        "cluster node {} on {} joining {}{}; split brain resolver {} after {} ms stable",
        settings.nodeName(),
        settings.self(),
        settings.seeds(),
        settings.tls() != null ? " over TLS" : "",
        pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"),
        pekko.getDuration("pekko.cluster.split-brain-resolver.stable-after").toMillis());
    String warning = availabilityWarning(settings);
    if (warning != null) {
      log.warn(warning);
    }
    return new ClusterNode(
        settings, broker, system, target, routes, destinations, metrics, selfKey, localFilters);
  }

  /**
   * A warning when the seed list (with this node) names fewer than three nodes, or null: with two,
   * losing either leaves no majority, and the split brain resolver downs both sides' minority.
   */
  public static String availabilityWarning(ClusterSettings settings) {
    Set<HostPort> nodes = new LinkedHashSet<>(settings.seeds());
    nodes.add(settings.self());
    if (nodes.size() >= ClusterSettings.HIGHLY_AVAILABLE_NODES) {
      return null;
    }
    return "cluster: the seed list names "
        + nodes.size()
        + (nodes.size() == 1 ? " node" : " nodes")
        + " with this one; two nodes work but are not highly available (losing one leaves no"
        + " majority): run three or more";
  }

  /**
   * Waits until this node is up in the cluster (it has joined through a seed, or, as the first
   * seed, started the cluster), saying so in the log every 10 seconds while it waits: the broker
   * opens its listeners after this, so that no CONNECT comes before the node can claim client ids.
   */
  public void awaitUp() {
    CountDownLatch up = new CountDownLatch(1);
    // the classic extension: the typed one has no callback for "this member is up"
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(up::countDown);
    long started = System.nanoTime();
    try {
      while (!up.await(10, TimeUnit.SECONDS)) {
        log.info(
            "waiting {} s to join the cluster through {}",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
            settings.seeds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code lost} (on a thread of its own, once) if this node is removed from the cluster, or
   * its actor system ends, without {@link #close} having been called: the split brain resolver
   * downed it (it was on the minority side, or hung past {@code stable-after}), or it was removed
   * while it could not be reached. It cannot rejoin as it is; the server should stop taking
   * clients, so that they move to the majority.
   */
  public void whenDowned(Runnable lost) {
    java.util.concurrent.atomic.AtomicBoolean told =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable downed =
        () -> {
          if (!leaving.get() && told.compareAndSet(false, true)) {
            log.error(
                "this node was removed from the cluster (downed by the split brain resolver,"
                    + " or unreachable too long); it cannot rejoin until it is restarted");
            Thread.ofPlatform().name("cluster-downed").start(lost);
          }
        };
    // as soon as this member is removed, not when the actor system has also ended: its shutdown
    // was once seen to take over a minute, with the listeners open and clients connected here
    // while the majority gave their ids to others
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberRemoved(downed);
    system.getWhenTerminated().thenRun(downed);
  }

  /** This node's settings. */
  public ClusterSettings settings() {
    return settings;
  }

  /** What forwarding did here. */
  public ForwardMetrics metrics() {
    return metrics;
  }

  /**
   * The cluster as this node sees it now: every member, its state, whether this node can reach it,
   * how many routes this node knows of it and what waits to be forwarded to it; the sessions here,
   * and what forwarding did.
   */
  public ClusterStatus status() {
    Cluster cluster = Cluster.get(system);
    Map<String, Integer> counts = routes.countsPerNode();
    Set<Member> unreachable = new HashSet<>();
    cluster.state().getUnreachable().forEach(unreachable::add);
    List<ClusterStatus.Node> nodes = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      String key = NodeKeys.of(m.uniqueAddress());
      boolean self = key.equals(selfKey);
      Outbox out = destinations.get(key);
      nodes.add(
          new ClusterStatus.Node(
              m.address().toString(),
              m.status().toString(),
              !unreachable.contains(m),
              self,
              self ? localFilters.get() : counts.getOrDefault(key, 0),
              out == null ? 0 : out.size()));
    }
    ForwardLatency latency = metrics.latency;
    WireCounters wire = WireCounters.of(Adapter.toClassic(system));
    return new ClusterStatus(
        settings.nodeName(),
        Instant.now(),
        broker.sessions().size(),
        broker.metrics().clientsConnected.get(),
        localFilters.get(),
        nodes,
        new ClusterStatus.Forwarding(
            metrics.sent.sum(),
            metrics.resent.sum(),
            metrics.received.sum(),
            metrics.duplicates.sum(),
            metrics.droppedQueueFull.sum(),
            metrics.droppedTooLarge.sum(),
            wire.batches(),
            wire.bytes(),
            new ClusterStatus.Latency(
                latency.count(),
                latency.sumNanos() / 1e6,
                latency.maxNanos() / 1e6,
                latency.quantileNanos(0.5) / 1e6,
                latency.quantileNanos(0.99) / 1e6)));
  }

  /**
   * The cluster's figures under {@code $SYS/broker/cluster/}, from {@link #status()}: members up
   * and unreachable, routes, what waits and what forwarding did (counts since the node started,
   * latencies in milliseconds).
   */
  private void sysFigures(java.util.function.BiConsumer<String, Object> figure) {
    ClusterStatus s = status();
    ClusterStatus.Forwarding f = s.forwarding();
    figure.accept("cluster/node", s.nodeName());
    figure.accept("cluster/nodes/up", s.membersUp());
    figure.accept("cluster/nodes/unreachable", s.membersUnreachable());
    figure.accept("cluster/routes/local", s.localFilters());
    figure.accept("cluster/routes/remote", s.remoteRoutes());
    figure.accept("cluster/forward/queued", s.queued());
    figure.accept("cluster/forward/sent", f.sent());
    figure.accept("cluster/forward/resent", f.resent());
    figure.accept("cluster/forward/received", f.received());
    figure.accept("cluster/forward/duplicates", f.duplicates());
    figure.accept("cluster/forward/dropped/queue full", f.droppedQueueFull());
    figure.accept("cluster/forward/dropped/too large", f.droppedTooLarge());
    figure.accept("cluster/forward/batches", f.batches());
    figure.accept("cluster/forward/bytes", f.bytes());
    figure.accept("cluster/forward/latency/p50 ms", millis(f.latency().p50Ms()));
    figure.accept("cluster/forward/latency/p99 ms", millis(f.latency().p99Ms()));
    figure.accept("cluster/forward/latency/max ms", millis(f.latency().maxMs()));
  }

  private static String millis(double ms) {
    return String.format(java.util.Locale.ROOT, "%.3f", ms);
  }

  /**
   * Writes {@link #status()} to {@code file} every {@link #STATUS_EVERY}, for {@code switchboard
   * cluster status} on this machine (a file in the data directory, replaced whole each time);
   * deleted when the node stops.
   */
  public void writeStatusTo(Path file) {
    this.statusFile = file;
    system
        .scheduler()
        .scheduleAtFixedRate(
            Duration.ZERO,
            STATUS_EVERY,
            () -> {
              try {
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, status().render());
                Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
              } catch (IOException | RuntimeException e) {
                log.debug("cluster status not written to {}: {}", file, e.toString());
              }
            },
            system.executionContext());
  }

  /**
   * Leaves the cluster (the others see this node removed at once, not unreachable), then stops the
   * actor system. The broker stays as it is.
   */
  @Override
  public void close() {
    leaving.set(true);
    broker.router().removeTarget(target);
    broker.spaces().watchFilters(null);
    broker.removeSysFigures(sys);
    try {
      CoordinatedShutdown.get(Adapter.toClassic(system))
          .runAll(CoordinatedShutdown.clusterLeavingReason())
          .toCompletableFuture()
          .get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("leaving the cluster did not finish: {}", e.toString());
      system.terminate();
    }
    Path status = statusFile;
    if (status != null) {
      try {
        Files.deleteIfExists(status);
      } catch (IOException e) {
        log.debug("cluster status file {} not deleted: {}", status, e.toString());
      }
    }
    log.info(
        "cluster node {} stopped: {} messages forwarded ({} sent again), {} received, {} dropped",
        settings.nodeName(),
        metrics.sent.sum(),
        metrics.resent.sum(),
        metrics.received.sum(),
        metrics.droppedQueueFull.sum() + metrics.droppedTooLarge.sum());
  }
}
