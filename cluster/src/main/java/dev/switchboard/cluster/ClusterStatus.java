package dev.switchboard.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The cluster as one node sees it, at one moment: what {@code switchboard cluster status} prints,
 * {@code GET /api/v1/cluster} answers, and {@code $SYS} and {@code /metrics} show of the cluster.
 *
 * @param nodeName the node that answers
 * @param asOf when it was taken
 * @param sessions the sessions this node holds, connected or not
 * @param connected its clients connected now
 * @param localFilters the filters this node's sessions have (what it tells the others)
 * @param nodes every member
 * @param forwarding what forwarding did here since the node started
 */
public record ClusterStatus(
    String nodeName,
    Instant asOf,
    int sessions,
    long connected,
    int localFilters,
    List<Node> nodes,
    Forwarding forwarding) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  /** Members that are up ({@code Up} or {@code WeaklyUp}), this node included. */
  public int membersUp() {
    return (int) nodes.stream().filter(n -> n.state().endsWith("Up")).count();
  }

  /** Members this node cannot reach now. */
  public int membersUnreachable() {
    return (int) nodes.stream().filter(n -> !n.reachable()).count();
  }

  /** The other nodes' routes this node knows. */
  public int remoteRoutes() {
    return nodes.stream().filter(n -> !n.self()).mapToInt(Node::routes).sum();
  }

  /** Messages waiting to be forwarded, to all nodes. */
  public int queued() {
    return nodes.stream().mapToInt(Node::queued).sum();
  }

  /** The status as {@code switchboard cluster status} prints it. */
  public String render() {
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
    b.append(String.format("sessions here: %d (%d connected)%n", sessions, connected));
    Forwarding f = forwarding;
    b.append(
        String.format(
            "forwarding: sent %d, sent again %d, received %d, duplicates %d, dropped (queue full)"
                + " %d, dropped (too large) %d%n",
            f.sent(),
            f.resent(),
            f.received(),
            f.duplicates(),
            f.droppedQueueFull(),
            f.droppedTooLarge()));
    Latency l = f.latency();
    b.append(
        String.format(
            Locale.ROOT,
            "forwarded: %d batches, %d bytes (%.1f a message); acknowledged: %d, p50 %.2f ms, p99"
                + " %.2f ms (last 1 to 2 minutes), max %.2f ms%n",
            f.batches(),
            f.bytes(),
            f.bytesPerMessage(),
            l.count(),
            l.p50Ms(),
            l.p99Ms(),
            l.maxMs()));
    return b.toString();
  }

  /**
   * One member.
   *
   * @param address its cluster address
   * @param state Pekko's member status (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed)
   * @param reachable whether the answering node can reach it
   * @param self whether it is the answering node
   * @param routes the filters of it the answering node knows (for itself: its own filters)
   * @param queued messages waiting to be forwarded to it (0 for itself)
   */
  public record Node(
      String address, String state, boolean reachable, boolean self, int routes, int queued) {}

  /**
   * What forwarding did on the answering node since it started.
   *
   * @param sent messages sent to other nodes in batches (a message for two nodes counts twice)
   * @param resent messages sent again for want of an acknowledgement
   * @param received messages received from other nodes and delivered here
   * @param duplicates messages received again and not delivered twice
   * @param droppedQueueFull messages dropped because their destination's queue was full
   * @param droppedTooLarge messages not forwarded because they are larger than a batch may be
   * @param batches batches written for other nodes, sent again ones included
   * @param bytes their bytes, as our serializer wrote them (without Artery's frame header)
   * @param latency from sending a numbered message (QoS 1/2, retained) to its acknowledgement
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
      Latency latency) {
    /** Bytes per message sent (first sendings and resends), 0 before any. */
    public double bytesPerMessage() {
      long messages = sent + resent;
      return messages == 0 ? 0 : (double) bytes / messages;
    }
  }

  /**
   * Forwarding latency, from sending a numbered message to the destination's acknowledgement.
   *
   * @param count messages acknowledged since the node started
   * @param sumMs their latencies added up
   * @param maxMs the longest since the node started
   * @param p50Ms the median of the last one to two minutes (0 when none was acknowledged then)
   * @param p99Ms the 99th percentile of the same window
   */
  public record Latency(long count, double sumMs, double maxMs, double p50Ms, double p99Ms) {}
}
