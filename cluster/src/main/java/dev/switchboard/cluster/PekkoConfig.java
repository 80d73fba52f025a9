package dev.switchboard.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.switchboard.cluster.wire.NodeNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's Pekko configuration, in three layers: what {@link ClusterSettings} make of the node's
 * own settings; over {@link #SHARED} (what every node sets differently from Pekko's defaults: the
 * split brain resolver, logging through SLF4J, how often route changes are heard of, the
 * large-message channel); over every {@code reference.conf} (Pekko's defaults, and this module's
 * serializer). The middle layer is a resource of its own because in a {@code reference.conf} it
 * would not reliably win: where two of them set one key, the first on the class path wins, and the
 * launcher's {@code lib/*} comes in the directory's order (a route change was once heard of every
 * 500 ms, Pekko's default, instead of every 20 ms). Nothing is read from {@code application.conf}
 * or system properties: the node's settings are Switchboard's.
 */
final class PekkoConfig {
  /** The actor system's name: part of every node's address, so the same on every node. */
  static final String SYSTEM_NAME = "switchboard";

  /** The resource with the Pekko settings every node shares. */
  static final String SHARED = "dev/switchboard/cluster/pekko.conf";

  private PekkoConfig() {}

  static Config of(ClusterSettings s) {
    return of(s, PekkoConfig.class.getClassLoader());
  }

  /** As {@link #of(ClusterSettings)}, with the resources of {@code loader}. */
  static Config of(ClusterSettings s, ClassLoader loader) {
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.remote.artery.canonical.hostname", s.bind());
    m.put("pekko.remote.artery.canonical.port", s.port());
    m.put("pekko.cluster.seed-nodes", seedAddresses(s.seeds()));
    // every member knows every other's stable name: who held the sessions of a node that left
    m.put("pekko.cluster.roles", List.of(NodeNames.role(s.nodeName())));
    m.put("pekko.cluster.split-brain-resolver.stable-after", s.stableAfter().toMillis() + "ms");
    m.put("pekko.cluster.seed-node-timeout", s.firstSeedWait().toMillis() + "ms");
    if (s.tls() != null) {
      m.put("pekko.remote.artery.transport", "tls-tcp");
      m.put(
          "pekko.remote.artery.ssl.ssl-engine-provider",
          "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider");
      String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
      m.put(engine + "cert-file", s.tls().certificate().toString());
      m.put(engine + "key-file", s.tls().key().toString());
      m.put(engine + "ca-cert-file", s.tls().ca().toString());
    } else {
      m.put("pekko.remote.artery.transport", "tcp");
    }
    Config shared =
        ConfigFactory.parseResources(
            loader, SHARED, ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.parseMap(m, "switchboard.cluster")
        .withFallback(shared)
        .withFallback(ConfigFactory.defaultReference(loader))
        .resolve();
  }

  /** {@code pekko://switchboard@host:port}: the address a seed's actor system has. */
  static String address(HostPort node) {
    return "pekko://" + SYSTEM_NAME + "@" + node.pekkoHost() + ":" + node.port();
  }

  private static List<String> seedAddresses(List<HostPort> seeds) {
    return seeds.stream().map(PekkoConfig::address).toList();
  }
}
