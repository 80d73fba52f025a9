package dev.switchboard.cluster.wire;

/**
 * A message that crosses between nodes: bound to {@link ClusterSerializer} in the module's {@code
 * reference.conf}, so that Pekko never falls back to Java serialization for it.
 */
public interface ClusterWireMessage {}
