package dev.switchboard.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.switchboard.cluster.forward.ForwardSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's settings ({@code switchboard.cluster}): this node's address, the seed list, the
 * split brain resolver's {@code stable-after}, TLS between nodes, routes and forwarding.
 *
 * @param enabled whether this node runs as a member of a cluster
 * @param nodeName this node's name in logs and status; never blank
 * @param bind the address other nodes reach this node at (and that is bound)
 * @param port the cluster port
 * @param seeds the nodes to join, in order: the first may start a new cluster by itself
 * @param stableAfter how long membership must be stable before the resolver downs a side
 * @param firstSeedWait how long the first seed waits for another seed to answer before it starts a
 *     new cluster by itself (Pekko's {@code seed-node-timeout})
 * @param unsafeLocalStore true when each node may keep a store of its own (tests only)
 * @param tls TLS between nodes, or null for plain TCP
 * @param routeShards Distributed Data keys the routes are spread over
 * @param routeGrace how long a removed node's routes stay before they are deleted
 * @param forward how messages are forwarded
 */
public record ClusterSettings(
    boolean enabled,
    String nodeName,
    String bind,
    int port,
    List<HostPort> seeds,
    Duration stableAfter,
    Duration firstSeedWait,
    boolean unsafeLocalStore,
    Tls tls,
    int routeShards,
    Duration routeGrace,
    ForwardSettings forward) {

  /**
   * TLS between nodes: PEM files of this node's certificate and key, and of the CA every node's
   * certificate is signed by.
   */
  public record Tls(Path certificate, Path key, Path ca) {}

  /** Below this many nodes a cluster survives no node loss with a majority left. */
  public static final int HIGHLY_AVAILABLE_NODES = 3;

  public ClusterSettings {
    seeds = List.copyOf(seeds);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, not " + port);
    }
    if (routeShards < 1 || routeShards > 1024) {
      throw new IllegalArgumentException(
          "routes.shards must be from 1 to 1024, not " + routeShards);
    }
    if (stableAfter.toMillis() < 1000) {
      throw new IllegalArgumentException("stable-after must be at least 1s, not " + stableAfter);
    }
    if (firstSeedWait.toMillis() < 100) {
      throw new IllegalArgumentException(
          "first-seed-wait must be at least 100ms, not " + firstSeedWait);
    }
    if (enabled && seeds.isEmpty()) {
      throw new IllegalArgumentException(
          "seeds must name at least one node (host:port); list this node itself to start a new"
              + " cluster");
    }
    if (bind == null || bind.isBlank()) {
      throw new IllegalArgumentException("bind must be an address other nodes can reach");
    }
    if (nodeName == null || nodeName.isBlank()) {
      nodeName = new HostPort(bind, port).toString();
    }
  }

  /** This node's own address as the seeds would name it. */
  public HostPort self() {
    return new HostPort(bind, port);
  }

  /**
   * Whether this node is the first seed: the only one that starts a new cluster by itself when no
   * other seed answers (Pekko's rule), so that nodes sharing one list never form two clusters.
   */
  public boolean isFirstSeed() {
    return !seeds.isEmpty() && seeds.get(0).equals(self());
  }

  /**
   * Reads {@code switchboard.cluster}, with {@code defaultBind} where {@code bind} is empty.
   *
   * @throws IllegalArgumentException naming the setting (below {@code switchboard.cluster}) and
   *     what is wrong with it
   */
  public static ClusterSettings read(Config c, String defaultBind) {
    try {
      List<HostPort> seeds = new ArrayList<>();
      List<String> raw = c.getStringList("seeds");
      for (int i = 0; i < raw.size(); i++) {
        try {
          seeds.add(HostPort.parse(raw.get(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("seeds[" + i + "]: " + e.getMessage());
        }
      }
      String bind = c.getString("bind");
      Tls tls = null;
      if (c.getBoolean("tls.enabled")) {
        tls = new Tls(pemFile(c, "tls.certificate"), pemFile(c, "tls.key"), pemFile(c, "tls.ca"));
      }
      ForwardSettings forward;
      try {
        forward =
            new ForwardSettings(
                c.getInt("forward.queue"),
                c.getInt("forward.batch"),
                c.getInt("forward.max-unacked"),
                c.getDuration("forward.retry-after"),
                ForwardSettings.DEFAULT_MAX_BATCH_BYTES,
                ForwardSettings.DEFAULT_MAX_LARGE_BYTES);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("forward." + e.getMessage());
      }
      Duration grace = c.getDuration("routes.grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("routes.grace must not be negative, not " + grace);
      }
      return new ClusterSettings(
          c.getBoolean("enabled"),
          c.getString("node-name"),
          bind.isBlank() ? defaultBind : bind,
          c.getInt("port"),
          seeds,
          c.getDuration("stable-after"),
          c.getDuration("first-seed-wait"),
          c.getBoolean("unsafe-local-store"),
          tls,
          c.getInt("routes.shards"),
          grace,
          forward);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage().replace('\n', ' '));
    }
  }

  private static Path pemFile(Config c, String key) {
    String file = c.getString(key);
    if (file.isBlank()) {
      throw new IllegalArgumentException(key + " must name a PEM file when tls.enabled is true");
    }
    return Path.of(file);
  }
}
