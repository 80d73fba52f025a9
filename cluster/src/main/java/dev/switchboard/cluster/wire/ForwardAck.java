package dev.switchboard.cluster.wire;

/**
 * The destination has the numbered messages {@code seqs} of a batch (delivered to its sessions, or
 * recognised as already delivered): the origin stops sending them again.
 */
public record ForwardAck(long[] seqs) implements ClusterWireMessage, ForwarderCommand {}
