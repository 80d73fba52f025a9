package dev.switchboard.cluster;

import dev.switchboard.cluster.forward.Destinations;
import dev.switchboard.cluster.forward.ForwardMetrics;
import dev.switchboard.cluster.forward.ForwardReceiver;
import dev.switchboard.cluster.forward.ForwardSettings;
import dev.switchboard.cluster.forward.NodeForwarder;
import dev.switchboard.cluster.forward.Outbox;
import dev.switchboard.cluster.routes.RouteWriter;
import dev.switchboard.cluster.wire.ForwardBatch;
import dev.switchboard.cluster.wire.ForwarderCommand;
import dev.switchboard.cluster.wire.NodeKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the cluster's membership: a node that is up becomes a destination (an {@link Outbox} and
 * its {@link NodeForwarder}); a node removed from the cluster stops being one at once, its
 * receiver's de-duplication state is dropped, and its routes are deleted from the replicated map
 * after the grace period. Unreachable is not removed: a node that is unreachable for a while keeps
 * its routes and its queue (bounded), and gets what waited once it is reachable again, unless the
 * split brain resolver downs it.
 */
final class Membership extends AbstractBehavior<Object> {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private record ForgetLater(String nodeKey) {}

  private final String selfKey;
  private final Destinations destinations;
  private final ForwardSettings settings;
  private final ForwardMetrics metrics;
  private final ActorRef<Object> receiver;
  private final ActorRef<RouteWriter.Command> writer;
  private final Duration grace;
  private final Map<String, ActorRef<ForwarderCommand>> forwarders = new HashMap<>();

  static Behavior<Object> create(
      String selfKey,
      Destinations destinations,
      ForwardSettings settings,
      ForwardMetrics metrics,
      ActorRef<Object> receiver,
      ActorRef<RouteWriter.Command> writer,
      Duration grace) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          cluster
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
          cluster
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
          return new Membership(
              ctx, selfKey, destinations, settings, metrics, receiver, writer, grace);
        });
  }

  private Membership(
      ActorContext<Object> ctx,
      String selfKey,
      Destinations destinations,
      ForwardSettings settings,
      ForwardMetrics metrics,
      ActorRef<Object> receiver,
      ActorRef<RouteWriter.Command> writer,
      Duration grace) {
    super(ctx);
    this.selfKey = selfKey;
    this.destinations = destinations;
    this.settings = settings;
    this.metrics = metrics;
    this.receiver = receiver;
    this.writer = writer;
    this.grace = grace;
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(ClusterEvent.MemberUp.class, e -> up(e.member()))
        .onMessage(ClusterEvent.MemberWeaklyUp.class, e -> up(e.member()))
        .onMessage(ClusterEvent.MemberRemoved.class, e -> removed(e.member()))
        .onMessage(
            ClusterEvent.UnreachableMember.class,
            e -> {
              log.warn("cluster node {} is unreachable", e.member().address());
              return this;
            })
        .onMessage(
            ClusterEvent.ReachableMember.class,
            e -> {
              log.info("cluster node {} is reachable again", e.member().address());
              return this;
            })
        .onMessage(
            ForgetLater.class,
            f -> {
              writer.tell(new RouteWriter.ForgetNode(f.nodeKey()));
              return this;
            })
        .onAnyMessage(e -> this) // joining, leaving, exiting: nothing to do until up or removed
        .build();
  }

  private Behavior<Object> up(Member member) {
    String key = NodeKeys.of(member.uniqueAddress());
    if (key.equals(selfKey)) {
      log.info("this node is up in the cluster ({})", member.address());
      return this;
    }
    if (forwarders.containsKey(key)) {
      return this; // weakly up, then up
    }
    ActorRefResolver resolver = ActorRefResolver.get(getContext().getSystem());
    ActorRef<ForwardBatch> destination =
        resolver.resolveActorRef(member.address() + "/system/" + ForwardReceiver.NAME);
    ActorRef<ForwardBatch> largeDestination =
        resolver.resolveActorRef(member.address() + "/system/" + ForwardReceiver.LARGE_NAME);
    Outbox outbox = new Outbox(key, settings.queue(), metrics);
    ActorRef<ForwarderCommand> forwarder =
        NodeForwarder.spawn(
            getContext(),
            "forward-to-" + Long.toUnsignedString(member.uniqueAddress().longUid()),
            outbox,
            destination,
            largeDestination,
            selfKey,
            settings,
            metrics);
    forwarders.put(key, forwarder);
    destinations.add(outbox);
    log.info("cluster node {} is up", member.address());
    return this;
  }

  private Behavior<Object> removed(Member member) {
    String key = NodeKeys.of(member.uniqueAddress());
    if (key.equals(selfKey)) {
      return this;
    }
    Outbox outbox = destinations.remove(key);
    if (outbox != null) {
      outbox.close(); // what waits there is released: nobody is left there to deliver it to
    }
    ActorRef<ForwarderCommand> forwarder = forwarders.remove(key);
    if (forwarder != null) {
      getContext().stop(forwarder);
    }
    receiver.tell(new ForwardReceiver.OriginGone(key));
    getContext().scheduleOnce(grace, getContext().getSelf(), new ForgetLater(key));
    log.info(
        "cluster node {} was removed; its routes are deleted in {} s",
        member.address(),
        grace.toSeconds());
    return this;
  }
}
