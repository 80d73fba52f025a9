package dev.switchboard.app;

import dev.switchboard.cluster.ClusterStatus;
import dev.switchboard.http.cluster.ClusterFigures;
import java.time.Instant;

/**
 * The cluster node's status as the HTTP server shows it, and back: {@code http} does not import
 * {@code cluster}, so the two records are mapped here, field by field.
 */
final class ClusterFiguresAdapter {
  private ClusterFiguresAdapter() {}

  /** {@code s} as {@code GET /api/v1/cluster} answers it. */
  static ClusterFigures figures(ClusterStatus s) {
    ClusterStatus.Forwarding f = s.forwarding();
    ClusterStatus.Latency l = f.latency();
    return new ClusterFigures(
        s.nodeName(),
        s.asOf().toString(),
        s.sessions(),
        s.connected(),
        s.localFilters(),
        s.nodes().stream()
            .map(
                n ->
                    new ClusterFigures.Member(
                        n.address(), n.state(), n.reachable(), n.self(), n.routes(), n.queued()))
            .toList(),
        new ClusterFigures.Forwarding(
            f.sent(),
            f.resent(),
            f.received(),
            f.duplicates(),
            f.droppedQueueFull(),
            f.droppedTooLarge(),
            f.batches(),
            f.bytes(),
            new ClusterFigures.Latency(l.count(), l.sumMs(), l.maxMs(), l.p50Ms(), l.p99Ms())));
  }

  /** What a node answered, as the status {@code switchboard cluster status} prints. */
  static ClusterStatus status(ClusterFigures c) {
    ClusterFigures.Forwarding f = c.forwarding();
    ClusterFigures.Latency l = f.latency();
    return new ClusterStatus(
        c.nodeName(),
        Instant.parse(c.asOf()),
        c.sessions(),
        c.connected(),
        c.localFilters(),
        c.nodes().stream()
            .map(
                n ->
                    new ClusterStatus.Node(
                        n.address(), n.state(), n.reachable(), n.self(), n.routes(), n.queued()))
            .toList(),
        new ClusterStatus.Forwarding(
            f.sent(),
            f.resent(),
            f.received(),
            f.duplicates(),
            f.droppedQueueFull(),
            f.droppedTooLarge(),
            f.batches(),
            f.bytes(),
            new ClusterStatus.Latency(l.count(), l.sumMs(), l.maxMs(), l.p50Ms(), l.p99Ms())));
  }
}
