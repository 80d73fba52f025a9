/**
 * Wills that would die with a node: each node writes the wills of its connections whose sessions
 * end with them into a replicated map ({@link dev.switchboard.cluster.wills.WillBook}), and when a
 * node is downed (it crashed, hung or was cut off), the oldest node left publishes them. The broker
 * sees only its {@code WillKeeper} seam ({@link dev.switchboard.cluster.wills.ClusterWills}).
 */
package dev.switchboard.cluster.wills;
