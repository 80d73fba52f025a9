package dev.switchboard.cluster.wire;

/**
 * What the owner of one client id (a sharded entity per hub and client id) takes: {@link Claim}s
 * from nodes where the id connects, {@link Released} from nodes that gave it up, and its own
 * timers, which the {@code ownership} package defines.
 */
public interface OwnerCommand {}
