package dev.switchboard.cluster.wire;

import java.util.List;

/**
 * The claim {@code claimId} is granted: no other node holds the id any more.
 *
 * @param unreleased the nodes (their keys) that were asked to release the id and did not answer in
 *     time (hung or dead): their connection of the id is taken for lost, and the claiming node
 *     publishes its will, if the cluster's will book holds one, before it lets the new connection
 *     in; empty when every node asked answered
 */
public record Granted(long claimId, List<String> unreleased)
    implements ClusterWireMessage, OwnershipAgentCommand {
  public Granted {
    unreleased = List.copyOf(unreleased);
  }

  /** Granted with every node asked answering. */
  public Granted(long claimId) {
    this(claimId, List.of());
  }
}
