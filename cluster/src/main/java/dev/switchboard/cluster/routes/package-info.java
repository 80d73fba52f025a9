/**
 * Routes: which node wants which messages. Each node writes only its own subscription filters (per
 * hub; a shared subscription as its group's {@code $share/g/f}) into Distributed Data, spread over
 * several {@code ORMultiMap} keys ({@link dev.switchboard.cluster.routes.RouteShards}), keyed by
 * the node's unique address ({@link dev.switchboard.cluster.routes.RouteWriter}); every node reads
 * the others' and builds one matching index per hub from them, the broker's own {@code
 * SubscriptionIndex} with nodes as subscribers ({@link
 * dev.switchboard.cluster.routes.RemoteRoutes}, {@link
 * dev.switchboard.cluster.routes.RouteReader}).
 */
package dev.switchboard.cluster.routes;
