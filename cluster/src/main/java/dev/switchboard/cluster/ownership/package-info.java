/**
 * One owner per client id in the whole cluster: a sharded entity per hub and client id ({@link
 * dev.switchboard.cluster.ownership.OwnerEntity}) serialises the CONNECTs of that id from every
 * node, and before it grants one it has the node that held the id end its connection and session
 * ({@link dev.switchboard.cluster.ownership.OwnershipAgent}, one per node). The broker sees only
 * its {@code SessionOwnership} seam ({@link dev.switchboard.cluster.ownership.ClusterOwnership}).
 */
package dev.switchboard.cluster.ownership;
