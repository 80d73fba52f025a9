package dev.switchboard.cluster.ownership;

import dev.switchboard.cluster.wire.NodeNames;
import dev.switchboard.cluster.wire.OwnershipAgentCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Finds the persistent sessions nobody serves: those of a node removed from the cluster (it died,
 * or was downed) and not back under its name. Exactly one node adopts them, the oldest member that
 * is up (every node computes the same from the same membership), through its {@link
 * OwnershipAgent}: it rebuilds them from the store, offline, so that they queue messages until
 * their clients reconnect, and publishes the wills of those whose clients were connected when their
 * node died.
 */
final class SessionAdopter {
  private SessionAdopter() {}

  static Behavior<ClusterEvent.MemberRemoved> create(
      String selfName, ActorRef<OwnershipAgentCommand> agent) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          cluster
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberRemoved.class));
          return Behaviors.receiveMessage(
              removed -> {
                String node = NodeNames.of(removed.member());
                if (node != null
                    && !node.equals(selfName)
                    && !isBack(cluster, node, removed.member())
                    && isOldestUp(cluster, cluster.selfMember(), removed.member())) {
                  agent.tell(new OwnershipAgent.Adopt(node));
                }
                return Behaviors.same();
              });
        });
  }

  /** Whether another member carries {@code node}'s name: it restarted, and restores its own. */
  private static boolean isBack(Cluster cluster, String node, Member gone) {
    for (Member m : cluster.state().getMembers()) {
      if (!m.uniqueAddress().equals(gone.uniqueAddress())
          && node.equals(NodeNames.of(m))
          && m.status() != MemberStatus.down()
          && m.status() != MemberStatus.removed()) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code self} is the oldest member that is up, {@code gone} left out. */
  private static boolean isOldestUp(Cluster cluster, Member self, Member gone) {
    Member oldest = null;
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up()
          && !m.uniqueAddress().equals(gone.uniqueAddress())
          && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return oldest != null && oldest.uniqueAddress().equals(self.uniqueAddress());
  }
}
