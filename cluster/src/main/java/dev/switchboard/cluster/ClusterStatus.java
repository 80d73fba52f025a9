package dev.switchboard.cluster;

import java.util.List;

/**
 * The cluster as one node sees it.
 *
 * @param nodeName the node that answers
 * @param nodes every member
 */
public record ClusterStatus(String nodeName, List<Node> nodes) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  /**
   * One member.
   *
   * @param address its cluster address
   * @param state Pekko's member status (Joining, Up, Leaving, Exiting, Down, Removed)
   * @param reachable whether the answering node can reach it
   * @param self whether it is the answering node
   * @param routes the filters of it the answering node knows (0 for itself)
   * @param queued messages waiting to be forwarded to it
   */
  public record Node(
      String address, String state, boolean reachable, boolean self, int routes, int queued) {}
}
