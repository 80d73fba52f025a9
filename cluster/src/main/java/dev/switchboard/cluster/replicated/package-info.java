/**
 * What the cluster's replicated maps share: this node's changes to its own entries, gathered and
 * written straight to every node ({@link dev.switchboard.cluster.replicated.GatheredWrites}). Used
 * by {@code routes} and {@code wills}; imports only Pekko.
 */
package dev.switchboard.cluster.replicated;
