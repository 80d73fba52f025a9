/**
 * Several Switchboard nodes as one broker, on Apache Pekko Cluster: membership from a seed list
 * with the split brain resolver on ({@link dev.switchboard.cluster.ClusterNode}), each node's
 * subscription filters replicated to the others in Distributed Data ({@code routes}), and messages
 * forwarded to the nodes whose filters match them ({@code forward}), over Artery with our own
 * serializer ({@code wire}). The broker knows nothing of it: the cluster plugs into its seams
 * (route targets, the filter listener, {@code Router.deliverLocally}).
 */
package dev.switchboard.cluster;
