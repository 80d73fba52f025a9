package dev.switchboard.cluster;

import java.time.Instant;
import java.util.List;

/**
 * The cluster as one node sees it.
 *
 * @param nodeName the node that answers
 * @param localFilters the filters this node's sessions have (what it tells the others)
 * @param nodes every member
 * @param forwarding what forwarding did here: sent, sent again, received, duplicates, dropped
 */
public record ClusterStatus(
    String nodeName, int localFilters, List<Node> nodes, String forwarding) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  /** The status as {@code switchboard cluster status} prints it. */
  public String render(Instant asOf) {
    StringBuilder b = new StringBuilder();
    b.append("node ").append(nodeName).append(", as of ").append(asOf).append('\n');
    b.append(
        String.format(
            "%-48s %-8s %-9s %7s %7s%n", "MEMBER", "STATE", "REACHABLE", "ROUTES", "QUEUED"));
    for (Node n : nodes) {
      b.append(
          String.format(
              "%-48s %-8s %-9s %7d %7s%n",
              n.address() + (n.self() ? " (this node)" : ""),
              n.state(),
              n.reachable() ? "yes" : "NO",
              n.self() ? localFilters : n.routes(),
              n.self() ? "-" : String.valueOf(n.queued())));
    }
    b.append("forwarding: ").append(forwarding).append('\n');
    return b.toString();
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
