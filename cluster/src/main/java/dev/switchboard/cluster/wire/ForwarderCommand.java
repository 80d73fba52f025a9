package dev.switchboard.cluster.wire;

/**
 * What a forwarder (the origin's sender to one destination node) takes: {@link ForwardAck}s from
 * its destination and its own timers, which the {@code forward} package defines.
 */
public interface ForwarderCommand {}
