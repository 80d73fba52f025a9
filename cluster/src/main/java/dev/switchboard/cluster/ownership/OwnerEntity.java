package dev.switchboard.cluster.ownership;

import dev.switchboard.cluster.wire.Claim;
import dev.switchboard.cluster.wire.Granted;
import dev.switchboard.cluster.wire.NodeKeys;
import dev.switchboard.cluster.wire.OwnerCommand;
import dev.switchboard.cluster.wire.OwnershipAgentCommand;
import dev.switchboard.cluster.wire.Release;
import dev.switchboard.cluster.wire.Released;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of one client id in one hub, a sharded entity: it takes the claims of every node where
 * the id connects, one at a time, in the order they come. A claim from the node that holds the id
 * is granted at once (that node's own registry orders its takeover); a claim from another node is
 * granted once the holder has ended its connection and session (a {@link Release}, answered with
 * {@link Released}), so two connections with one id on two nodes never both stay connected.
 *
 * <p>It keeps no state on disk: an entity made anew (first use, after passivation, after its shard
 * moved or its node died) does not know the holder, and asks every other node to release the id
 * before it grants the first claim; so does one whose holder has left the cluster (the holder's
 * persistent sessions may have been adopted by another node since). A release not answered within
 * {@link #RELEASE_TIMEOUT} (a node that hangs or died) is given up on, and the claim granted,
 * naming the nodes that did not answer, so that the claiming node publishes the will of the id's
 * connection there (taken for lost) before it lets the new one in.
 */
final class OwnerEntity {
  private static final Logger log = LoggerFactory.getLogger(OwnerEntity.class);

  static final EntityTypeKey<OwnerCommand> TYPE =
      EntityTypeKey.create(OwnerCommand.class, "switchboard-session-owner");

  static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(3);

  private record ReleaseTimeout(long releaseId) implements OwnerCommand {}

  private final ActorContext<OwnerCommand> ctx;
  private final TimerScheduler<OwnerCommand> timers;
  private final StashBuffer<OwnerCommand> stash;

  /** The node holding the id, or null when unknown. */
  private String holder;

  private ActorRef<OwnershipAgentCommand> holderAgent;
  private long releaseId;

  /** The entity id of {@code clientId} in {@code hub}: neither contains U+0000. */
  static String entityId(String hub, String clientId) {
    return hub + '\u0000' + clientId;
  }

  static Behavior<OwnerCommand> create() {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        1000, stash -> new OwnerEntity(ctx, timers, stash).idle())));
  }

  private OwnerEntity(
      ActorContext<OwnerCommand> ctx,
      TimerScheduler<OwnerCommand> timers,
      StashBuffer<OwnerCommand> stash) {
    this.ctx = ctx;
    this.timers = timers;
    this.stash = stash;
  }

  private Behavior<OwnerCommand> idle() {
    return Behaviors.receive(OwnerCommand.class)
        .onMessage(Claim.class, this::claim)
        .onMessage(Released.class, r -> Behaviors.same()) // late: given up on already
        .onMessage(ReleaseTimeout.class, t -> Behaviors.same())
        .build();
  }

  private Behavior<OwnerCommand> claim(Claim c) {
    if (c.node().equals(holder)) {
      return grant(c);
    }
    Set<String> asked = new HashSet<>();
    long id = ++releaseId;
    ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
    if (holder != null && isMember(holder)) {
      holderAgent.tell(new Release(c.hub(), c.clientId(), id, ctx.getSelf(), c.cleanStart()));
      asked.add(holder);
    } else {
      // Unknown, or a node that left: another node may have adopted its sessions since
      for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
        String node = NodeKeys.of(m.uniqueAddress());
        if (!node.equals(c.node()) && isLive(m)) {
          ActorRef<OwnershipAgentCommand> agent =
              resolver.resolveActorRef(m.address() + "/system/" + OwnershipAgent.NAME);
          agent.tell(new Release(c.hub(), c.clientId(), id, ctx.getSelf(), c.cleanStart()));
          asked.add(node);
        }
      }
    }
    if (asked.isEmpty()) {
      return grant(c);
    }
    timers.startSingleTimer(new ReleaseTimeout(id), RELEASE_TIMEOUT);
    return releasing(c, id, asked);
  }

  private Behavior<OwnerCommand> releasing(Claim c, long id, Set<String> waiting) {
    return Behaviors.receive(OwnerCommand.class)
        .onMessage(
            Released.class,
            r -> {
              if (r.releaseId() == id) {
                waiting.remove(r.node());
              }
              return waiting.isEmpty() ? granted(c, id, List.of()) : Behaviors.same();
            })
        .onMessage(
            ReleaseTimeout.class,
            t -> {
              if (t.releaseId() != id) {
                return Behaviors.same();
              }
              log.warn(
                  "nodes {} did not release a client id within {} ms; granting it to {}",
                  waiting,
                  RELEASE_TIMEOUT.toMillis(),
                  c.node());
              return granted(c, id, List.copyOf(waiting));
            })
        .onMessage(
            Claim.class,
            next -> {
              stash.stash(next);
              return Behaviors.same();
            })
        .build();
  }

  private Behavior<OwnerCommand> granted(Claim c, long id, List<String> unreleased) {
    timers.cancel(new ReleaseTimeout(id));
    grant(c, unreleased);
    return stash.unstashAll(idle());
  }

  private Behavior<OwnerCommand> grant(Claim c) {
    return grant(c, List.of());
  }

  /** {@code unreleased}: the nodes asked that did not answer (their connection taken for lost). */
  private Behavior<OwnerCommand> grant(Claim c, List<String> unreleased) {
    holder = c.node();
    holderAgent = c.agent();
    c.agent().tell(new Granted(c.claimId(), unreleased));
    return Behaviors.same();
  }

  private boolean isMember(String node) {
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      if (NodeKeys.of(m.uniqueAddress()).equals(node)) {
        return isLive(m);
      }
    }
    return false;
  }

  private static boolean isLive(Member m) {
    MemberStatus s = m.status();
    return s == MemberStatus.up()
        || s == MemberStatus.weaklyUp()
        || s == MemberStatus.joining()
        || s == MemberStatus.leaving();
  }
}
