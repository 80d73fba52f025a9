package dev.switchboard.cluster.wire;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A CONNECT with {@code clientId} in {@code hub} on node {@code node} asks to own the id.
 *
 * @param claimId the claiming node's number for it, sent back in {@link Granted}
 * @param agent the claiming node's ownership agent
 * @param cleanStart whether the CONNECT starts clean (else it would resume the session): the node
 *     that held the id publishes the old connection's will as a takeover on one node would
 */
public record Claim(
    String hub,
    String clientId,
    String node,
    long claimId,
    ActorRef<OwnershipAgentCommand> agent,
    boolean cleanStart)
    implements ClusterWireMessage, OwnerCommand {}
