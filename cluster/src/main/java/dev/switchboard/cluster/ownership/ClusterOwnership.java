package dev.switchboard.cluster.ownership;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.session.SessionOwnership;
import dev.switchboard.cluster.wire.OwnershipAgentCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * The broker's session ownership on a cluster node: every authenticated CONNECT claims its client
 * id from the id's owner entity (through this node's {@link OwnershipAgent}) before this node's
 * registry gets it. Set on the broker before it starts ({@link #install}). Persistent sessions move
 * between nodes through the store they share: a client id claimed here brings its stored session
 * along, and the sessions of a node that left are adopted by one of the others.
 */
public final class ClusterOwnership implements SessionOwnership {
  private final ActorRef<OwnershipAgentCommand> agent;

  private ClusterOwnership(ActorRef<OwnershipAgentCommand> agent) {
    this.agent = agent;
  }

  /**
   * Starts the owner entities' sharding and this node's agent on {@code system}, and puts the
   * cluster's ownership in front of {@code broker}'s registry; the broker's journal writes sessions
   * as held by {@code nodeName} (the stable name, which a restart keeps), so that a start restores
   * only this node's. Before the broker starts. {@code lostWills} publishes the will of a client
   * id's connection on nodes that did not release it.
   */
  public static void install(
      ActorSystem<?> system, Broker broker, String selfKey, String nodeName, LostWills lostWills) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(OwnerEntity.TYPE, ctx -> OwnerEntity.create()));
    if (broker.journal() != null) {
      broker.journal().holdSessionsAs(nodeName);
    }
    StoredSessions stored = new StoredSessions(broker);
    broker.sessionOwnership(
        local -> {
          ActorRef<OwnershipAgentCommand> agent =
              system.systemActorOf(
                  OwnershipAgent.create(
                      broker.sessions(),
                      local,
                      broker.journal(),
                      stored,
                      lostWills,
                      selfKey,
                      id -> sharding.entityRefFor(OwnerEntity.TYPE, id)),
                  OwnershipAgent.NAME,
                  Props.empty());
          system.systemActorOf(
              SessionAdopter.create(nodeName, agent), "switchboard-session-adopter", Props.empty());
          return new ClusterOwnership(agent);
        });
  }

  @Override
  public void connect(SessionConnection conn, String hub, String clientId, boolean cleanStart) {
    agent.tell(new OwnershipAgent.Connect(conn, hub, clientId, cleanStart));
  }
}
