/**
 * What nodes send each other (besides Pekko's own membership and Distributed Data traffic): batches
 * of forwarded messages and their acknowledgements, in our own binary format ({@link
 * dev.switchboard.cluster.wire.ClusterSerializer}); Java serialization stays off.
 */
package dev.switchboard.cluster.wire;
