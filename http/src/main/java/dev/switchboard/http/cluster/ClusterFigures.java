package dev.switchboard.http.cluster;

import java.util.List;

/**
 * The cluster as one node sees it, as {@code GET /api/v1/cluster} answers it.
 *
 * @param nodeName the node that answers
 * @param asOf when the figures were taken (ISO-8601)
 * @param sessions the sessions this node holds, connected or not
 * @param connected its clients connected now
 * @param localFilters the filters this node's sessions have (what it tells the others)
 * @param nodes every member, as this node sees it
 * @param forwarding what forwarding did here since the node started
 */
public record ClusterFigures(
    String nodeName,
    String asOf,
    int sessions,
    long connected,
    int localFilters,
    List<Member> nodes,
    Forwarding forwarding) {
  public ClusterFigures {
    nodes = List.copyOf(nodes);
  }

  /** Members up ({@code Up} or {@code WeaklyUp}), this node included. */
  public long membersUp() {
    return nodes.stream().filter(n -> n.state().endsWith("Up")).count();
  }

  /** Members this node cannot reach now. */
  public long membersUnreachable() {
    return nodes.stream().filter(n -> !n.reachable()).count();
  }

  /** The other nodes' routes this node knows. */
  public long remoteRoutes() {
    return nodes.stream().filter(n -> !n.self()).mapToLong(Member::routes).sum();
  }

  /** Messages waiting to be forwarded, to all nodes. */
  public long queued() {
    return nodes.stream().mapToLong(Member::queued).sum();
  }

  /**
   * One member.
   *
   * @param address its cluster address
   * @param state Pekko's member status: {@code Joining}, {@code WeaklyUp}, {@code Up}, {@code
   *     Leaving}, {@code Exiting}, {@code Down}, {@code Removed}
   * @param reachable whether the answering node can reach it
   * @param self whether it is the answering node
   * @param routes the filters of it the answering node knows (for itself: its own)
   * @param queued messages waiting to be forwarded to it
   */
  public record Member(
      String address, String state, boolean reachable, boolean self, int routes, int queued) {}

  /**
   * What forwarding did on the answering node since it started.
   *
   * @param sent messages sent to other nodes (one per destination node)
   * @param resent messages sent again for want of an acknowledgement
   * @param received messages received from other nodes and delivered here
   * @param duplicates messages received again and not delivered twice
   * @param droppedQueueFull dropped because their destination's queue was full
   * @param droppedTooLarge not forwarded because they are larger than a batch may be
   * @param batches batches written for other nodes, resends included
   * @param bytes their bytes, as the cluster's serializer wrote them
   * @param latency from sending a QoS 1/2 or retained message to its acknowledgement
   */
  public record Forwarding(
      long sent,
      long resent,
      long received,
      long duplicates,
      long droppedQueueFull,
      long droppedTooLarge,
      long batches,
      long bytes,
      Latency latency) {}

  /**
   * Forwarding latency.
   *
   * @param count messages acknowledged since the node started
   * @param sumMs their latencies added up, in milliseconds
   * @param maxMs the longest since the node started
   * @param p50Ms the median over the last one to two minutes (0 when none was acknowledged then)
   * @param p99Ms the 99th percentile over the same window
   */
  public record Latency(long count, double sumMs, double maxMs, double p50Ms, double p99Ms) {}
}
