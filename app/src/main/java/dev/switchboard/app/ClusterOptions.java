package dev.switchboard.app;

import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of {@code switchboard start} that make the node a cluster member. */
final class ClusterOptions {
  @Option(names = "--cluster", description = "Run as a node of a cluster (see docs/cluster.md).")
  boolean cluster;

  @Option(
      names = "--cluster-port",
      paramLabel = "N",
      description = "This node's cluster port (default 25520).")
  String port;

  @Option(
      names = "--cluster-bind",
      paramLabel = "ADDR",
      description =
          "The address other nodes reach this node at (default: the MQTT listeners' address, or"
              + " this host's).")
  String bind;

  @Option(
      names = "--cluster-seeds",
      paramLabel = "HOST:PORT,...",
      description =
          "Nodes to join, by their cluster ports; every node may share one list and list itself.")
  String seeds;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = "This node's name in logs and status (default HOST:PORT).")
  String nodeName;

  /** Adds the settings these options set to {@code o}. */
  void addTo(Map<String, Object> o) {
    if (cluster) {
      o.put("cluster.enabled", true);
    }
    if (port != null) {
      o.put("cluster.port", port);
    }
    if (bind != null) {
      o.put("cluster.bind", bind);
    }
    if (seeds != null) {
      o.put(
          "cluster.seeds",
          Arrays.stream(seeds.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }
    if (nodeName != null) {
      o.put("cluster.node-name", nodeName);
    }
  }
}
