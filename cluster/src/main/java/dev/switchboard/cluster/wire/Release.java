package dev.switchboard.cluster.wire;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Another node claims {@code clientId} in {@code hub}: end its connection and session here, then
 * answer {@link Released} with {@code releaseId}.
 */
public record Release(String hub, String clientId, long releaseId, ActorRef<OwnerCommand> replyTo)
    implements ClusterWireMessage, OwnershipAgentCommand {}
