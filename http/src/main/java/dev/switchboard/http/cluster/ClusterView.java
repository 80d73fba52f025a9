package dev.switchboard.http.cluster;

/**
 * This server as a node of a cluster, as the HTTP server shows it ({@code GET /api/v1/cluster}, the
 * cluster's meters in {@code /metrics}). The HTTP module knows nothing of the cluster module:
 * {@code app} adapts its node to this.
 */
@FunctionalInterface
public interface ClusterView {
  /** The cluster as this node sees it now. */
  ClusterFigures figures();
}
