package dev.switchboard.cluster.wire;

/**
 * What a node's ownership agent takes: {@link Granted} and {@link Release} from owners, and its own
 * commands, which the {@code ownership} package defines.
 */
public interface OwnershipAgentCommand {}
