package dev.switchboard.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.cluster.wire.NodeNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's Pekko configuration, made from {@link ClusterSettings} over the Pekko defaults of every
 * {@code reference.conf} (this module's included: our serializer, the split brain resolver, logging
 * through SLF4J). Nothing is read from {@code application.conf} or system properties: the node's
 * settings are Switchboard's.
 */
final class PekkoConfig {
  /** The actor system's name: part of every node's address, so the same on every node. */
  static final String SYSTEM_NAME = "switchboard";

  private PekkoConfig() {}

  static Config of(ClusterSettings s) {
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
    ClassLoader loader = PekkoConfig.class.getClassLoader();
    return ConfigFactory.parseMap(m, "switchboard.cluster")
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
