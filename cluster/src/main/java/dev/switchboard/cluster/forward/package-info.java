/**
 * Forwarding: the cluster's {@code RouteTarget} ({@link
 * dev.switchboard.cluster.forward.ClusterRouteTarget}) picks the nodes a message goes to; one
 * {@link dev.switchboard.cluster.forward.Outbox} and {@link
 * dev.switchboard.cluster.forward.NodeForwarder} per destination node batch them (bounded, overflow
 * counted); QoS 1/2 and retained messages are numbered, acknowledged and sent again until they are;
 * the {@link dev.switchboard.cluster.forward.ForwardReceiver} of the destination drops duplicates
 * and hands the rest to {@code Router.deliverLocally}, acknowledging once its store has committed
 * what that wrote. A QoS 1/2 publisher's acknowledgement is held once per destination until that
 * destination has acknowledged the message (or left the cluster).
 */
package dev.switchboard.cluster.forward;
