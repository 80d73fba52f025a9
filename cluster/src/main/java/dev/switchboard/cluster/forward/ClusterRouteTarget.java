package dev.switchboard.cluster.forward;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.PublisherAcknowledgement;
import dev.switchboard.broker.routing.RouteTarget;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.cluster.routes.RemoteRoutes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster's route target: which other nodes a message published here goes to, and which shared
 * groups each of them serves with it. A node whose filters match gets the message once, however
 * many of its filters match; a shared group with members on this node was served here already,
 * otherwise one node with members gets it (round robin); a retained message goes to every node, so
 * that each updates its retained cache. Each destination's {@link Outbox} takes it from there. When
 * the publisher waits for its acknowledgement (QoS 1/2), each copy holds it until its destination
 * has acknowledged the copy, so that nothing the publisher was told is safe is lost when this node
 * dies.
 *
 * <p>One target for all the other nodes rather than one per node: a shared group must be given to
 * one node, which needs one decision across them. Runs on the publisher's event loop, without
 * locks; allocates only for messages that go somewhere.
 */
public final class ClusterRouteTarget implements RouteTarget {
  private final RemoteRoutes routes;
  private final Destinations destinations;
  private final TopicSpaces localSpaces;
  private final AtomicInteger sharedTurn = new AtomicInteger();

  public ClusterRouteTarget(
      RemoteRoutes routes, Destinations destinations, TopicSpaces localSpaces) {
    this.routes = routes;
    this.destinations = destinations;
    this.localSpaces = localSpaces;
  }

  @Override
  public int route(Message message) {
    return forward(message, null);
  }

  /**
   * As {@link #route(Message)}, holding the publisher's acknowledgement once per node the message
   * goes to, until that node has acknowledged its copy (or left the cluster).
   */
  @Override
  public int route(Message message, PublisherAcknowledgement acknowledgement) {
    return forward(message, acknowledgement);
  }

  private int forward(Message message, PublisherAcknowledgement acknowledgement) {
    Matches matches = new Matches();
    routes.match(message.hub(), message.topic(), matches);
    if (matches.nodes == null && matches.groups == null && !message.retain()) {
      return 0;
    }
    Map<String, Set<String>> shared = pickSharedNodes(message, matches.groups);
    Set<String> offered = message.retain() ? new HashSet<>() : null;
    int count = 0;
    if (matches.nodes != null) {
      for (String node : matches.nodes) {
        Outbox out = destinations.get(node);
        if (out != null) {
          Set<String> groups = shared.remove(node);
          out.offer(message, groups == null ? Set.of() : groups, hold(acknowledgement));
          count++;
          if (offered != null) {
            offered.add(node);
          }
        }
      }
    }
    for (var e : shared.entrySet()) {
      Outbox out = destinations.get(e.getKey());
      if (out != null) {
        out.offer(message, e.getValue(), hold(acknowledgement));
        count++;
        if (offered != null) {
          offered.add(e.getKey());
        }
      }
    }
    if (offered != null) {
      for (Outbox out : destinations.all()) {
        if (!offered.contains(out.destination())) {
          // its retained cache, and any filter that came meanwhile
          out.offer(message, Set.of(), hold(acknowledgement));
        }
      }
    }
    return count;
  }

  private static AcknowledgementHold hold(PublisherAcknowledgement acknowledgement) {
    return acknowledgement == null ? null : acknowledgement.hold();
  }

  /** One node per shared group that has no member here, among the destinations with members. */
  private Map<String, Set<String>> pickSharedNodes(
      Message message, List<SubscriptionIndex.SharedGroup<String>> groups) {
    Map<String, Set<String>> picked = new HashMap<>(4);
    if (groups == null) {
      return picked;
    }
    SubscriptionIndex<Subscriber> local = localSpaces.of(message.hub()).subscriptions();
    for (SubscriptionIndex.SharedGroup<String> g : groups) {
      SubscriptionIndex.SharedGroup<Subscriber> here = local.sharedGroup(g.name(), g.filter());
      if (here != null && !here.members().isEmpty()) {
        continue; // served by the local route already
      }
      List<String> live = new ArrayList<>(g.members().size());
      for (String node : g.members()) {
        if (destinations.get(node) != null) {
          live.add(node);
        }
      }
      if (!live.isEmpty()) {
        String node = live.get(Math.floorMod(sharedTurn.getAndIncrement(), live.size()));
        picked.computeIfAbsent(node, n -> new HashSet<>()).add(g.filterKey());
      }
    }
    return picked;
  }

  /** The nodes whose plain filters match, and the shared groups that match. */
  private static final class Matches implements SubscriptionIndex.MatchSink<String> {
    LinkedHashSet<String> nodes;
    List<SubscriptionIndex.SharedGroup<String>> groups;

    @Override
    public void subscriber(String node, String filterKey) {
      if (nodes == null) {
        nodes = new LinkedHashSet<>(4);
      }
      nodes.add(node);
    }

    @Override
    public void sharedGroup(SubscriptionIndex.SharedGroup<String> group) {
      if (groups == null) {
        groups = new ArrayList<>(2);
      }
      groups.add(group);
    }
  }
}
