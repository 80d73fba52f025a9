/**
 * This server as a node of a cluster, in the HTTP API: {@code GET /api/v1/cluster} and the
 * cluster's meters in {@code /metrics}, on a {@link dev.switchboard.http.cluster.ClusterView} that
 * {@code app} makes of the cluster module's node (this module does not import the cluster's).
 */
package dev.switchboard.http.cluster;
