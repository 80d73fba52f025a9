package dev.switchboard.cluster.wire;

/**
 * Node {@code node} holds nothing of the id any more (or held nothing): the answer to a release.
 */
public record Released(long releaseId, String node) implements ClusterWireMessage, OwnerCommand {}
