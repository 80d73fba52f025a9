package dev.switchboard.cluster.wire;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Another node claims {@code clientId} in {@code hub}: end its connection and session here, then
 * answer {@link Released} with {@code releaseId}.
 *
 * @param cleanStart whether the claiming CONNECT starts clean (see {@link Claim#cleanStart})
 */
public record Release(
    String hub, String clientId, long releaseId, ActorRef<OwnerCommand> replyTo, boolean cleanStart)
    implements ClusterWireMessage, OwnershipAgentCommand {}
