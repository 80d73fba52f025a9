package dev.switchboard.cluster.wire;

import org.apache.pekko.cluster.Member;

/**
 * A node's stable name ({@code node-name}, the same across restarts, unlike its {@link NodeKeys
 * key}) travels with its membership as a Pekko role, so that every node knows, from a member that
 * left, which node's sessions the store says it held.
 */
public final class NodeNames {
  private static final String ROLE_PREFIX = "switchboard-node:";

  private NodeNames() {}

  /** The role that carries {@code nodeName}. */
  public static String role(String nodeName) {
    return ROLE_PREFIX + nodeName;
  }

  /** The node name {@code member} carries; null when it carries none. */
  public static String of(Member member) {
    for (String role : member.getRoles()) {
      if (role.startsWith(ROLE_PREFIX)) {
        return role.substring(ROLE_PREFIX.length());
      }
    }
    return null;
  }
}
