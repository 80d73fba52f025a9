package dev.switchboard.cluster.wire;

import org.apache.pekko.cluster.UniqueAddress;

/**
 * A node's key in routes and forwarding: its address and the unique id of its actor system, so that
 * a node restarted on the same address is a new node (its old routes and message numbers are not
 * mistaken for the new one's).
 */
public final class NodeKeys {
  private NodeKeys() {}

  /** The key of {@code node}. */
  public static String of(UniqueAddress node) {
    return node.address() + "#" + node.longUid();
  }
}
