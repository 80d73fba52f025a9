package dev.switchboard.cluster.forward;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The other nodes messages can be forwarded to now, by node key: added when a node is up, removed
 * when it leaves the cluster. Read by every event loop; changed by the membership actor.
 */
public final class Destinations {
  private final ConcurrentHashMap<String, Outbox> byNode = new ConcurrentHashMap<>();

  public void add(Outbox outbox) {
    byNode.put(outbox.destination(), outbox);
  }

  public Outbox remove(String nodeKey) {
    return byNode.remove(nodeKey);
  }

  /** The outbox of {@code nodeKey}, or null when it is not a destination (now). */
  public Outbox get(String nodeKey) {
    return byNode.get(nodeKey);
  }

  public Collection<Outbox> all() {
    return byNode.values();
  }
}
