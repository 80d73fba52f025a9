package dev.switchboard.cluster.ownership;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Publishes the will a client id's connection held on nodes that did not answer its release (hung
 * or dead), when the cluster holds one: what a claim granted without their answer does before the
 * new connection is let in, so that the old connection's will goes out before the client is back
 * (as a takeover on one node publishes it) rather than after, or not at all, once those nodes are
 * removed. Completes when done (with how many were published); never fails the claim.
 */
@FunctionalInterface
public interface LostWills {
  CompletionStage<Integer> publish(String hub, String clientId, List<String> nodes);
}
