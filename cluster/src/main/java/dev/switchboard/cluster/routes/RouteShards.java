package dev.switchboard.cluster.routes;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORMultiMap;
import org.apache.pekko.cluster.ddata.ORMultiMapKey;

/**
 * The Distributed Data keys routes are spread over: {@code switchboard-routes-0} to {@code -N-1},
 * each an {@code ORMultiMap} from a node's key to the route entries of that node that hash to the
 * shard. Spreading keeps each replicated value (and each full-state gossip) a fraction of the
 * whole; every node must use the same number of shards.
 *
 * <p>A route entry is a hub and a filter key in one string, separated by U+0000, which neither a
 * hub name nor an MQTT filter may contain.
 */
public final class RouteShards {
  private static final char SEPARATOR = '\u0000';

  private final List<Key<ORMultiMap<String, String>>> keys;

  public RouteShards(int count) {
    List<Key<ORMultiMap<String, String>>> k = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      k.add(ORMultiMapKey.create("switchboard-routes-" + i));
    }
    this.keys = List.copyOf(k);
  }

  public List<Key<ORMultiMap<String, String>>> keys() {
    return keys;
  }

  /** The key the entry of {@code hub} and {@code filterKey} is kept under. */
  Key<ORMultiMap<String, String>> keyOf(String entry) {
    return keys.get(Math.floorMod(entry.hashCode(), keys.size()));
  }

  /** The route entry of {@code filterKey} in {@code hub}. */
  public static String entry(String hub, String filterKey) {
    return hub + SEPARATOR + filterKey;
  }

  static String hubOf(String entry) {
    return entry.substring(0, entry.indexOf(SEPARATOR));
  }

  static String filterOf(String entry) {
    return entry.substring(entry.indexOf(SEPARATOR) + 1);
  }
}
