package dev.switchboard.cluster.wire;

/** The claim {@code claimId} is granted: no other node holds the id any more. */
public record Granted(long claimId) implements ClusterWireMessage, OwnershipAgentCommand {}
