package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
  private static ClusterSettings read(String hocon) {
    Config c =
        ConfigFactory.parseString(hocon)
            .withFallback(ConfigFactory.parseResources("reference.conf"))
            .resolve();
    return ClusterSettings.read(c.getConfig("switchboard.cluster"), "10.0.0.5");
  }

  @Test
  @DisplayName(
      "the defaults and a shared seed list: the first seed is the node that starts a cluster")
  void defaultsAndSeeds() {
    ClusterSettings s =
        read(
            "switchboard.cluster { enabled = true, seeds = [\"10.0.0.5:25520\","
                + " \"[fd00::2]:25521\", \"node-c:25520\"] }");
    assertThat(s.bind()).isEqualTo("10.0.0.5");
    assertThat(s.port()).isEqualTo(25520);
    assertThat(s.nodeName()).isEqualTo("10.0.0.5:25520");
    assertThat(s.seeds())
        .containsExactly(
            new HostPort("10.0.0.5", 25520),
            new HostPort("fd00::2", 25521),
            new HostPort("node-c", 25520));
    assertThat(s.isFirstSeed()).isTrue();
    assertThat(s.stableAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.tls()).isNull();
    assertThat(ClusterNode.availabilityWarning(s)).isNull();
    assertThat(PekkoConfig.of(s).getStringList("pekko.cluster.seed-nodes"))
        .containsExactly(
            "pekko://switchboard@10.0.0.5:25520",
            "pekko://switchboard@[fd00::2]:25521",
            "pekko://switchboard@node-c:25520");
    assertThat(PekkoConfig.of(s).getString("pekko.cluster.split-brain-resolver.active-strategy"))
        .isEqualTo("keep-majority");
  }

  @Test
  @DisplayName("stable-after reaches the split brain resolver")
  void stableAfter() {
    ClusterSettings s = read("switchboard.cluster { seeds = [\"n:1\"], stable-after = 2s }");
    assertThat(PekkoConfig.of(s).getDuration("pekko.cluster.split-brain-resolver.stable-after"))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("two nodes get the warning that they are not highly available")
  void twoNodesWarn() {
    ClusterSettings s =
        read(
            "switchboard.cluster { enabled = true, port = 7000, seeds = [\"10.0.0.5:7000\","
                + " \"10.0.0.6:7000\"] }");
    assertThat(ClusterNode.availabilityWarning(s))
        .contains("2 nodes")
        .contains("two nodes work but are not highly available");
  }

  @Test
  @DisplayName("bad values are named by their setting")
  void badValues() {
    assertThatThrownBy(() -> read("switchboard.cluster { enabled = true }"))
        .hasMessageStartingWith("seeds must name at least one node");
    assertThatThrownBy(() -> read("switchboard.cluster.seeds = [\"a:1\", \"b\"]"))
        .hasMessage("seeds[1]: \"b\" is not host:port");
    assertThatThrownBy(() -> read("switchboard.cluster.seeds = [\"a:99999\"]"))
        .hasMessageContaining("seeds[0]")
        .hasMessageContaining("65535");
    assertThatThrownBy(() -> read("switchboard.cluster.port = 0"))
        .hasMessageStartingWith("port must be");
    assertThatThrownBy(() -> read("switchboard.cluster.forward.queue = 0"))
        .hasMessageStartingWith("forward.queue must be");
    assertThatThrownBy(() -> read("switchboard.cluster.tls.enabled = true"))
        .hasMessageStartingWith("tls.certificate must name a PEM file");
    assertThatThrownBy(() -> read("switchboard.cluster.stable-after = 10ms"))
        .hasMessageStartingWith("stable-after must be");
  }

  @Test
  @DisplayName("TLS between nodes: Artery over TLS with the PEM files, reloaded by Pekko")
  void tls() {
    ClusterSettings s =
        read(
            "switchboard.cluster { seeds = [\"n:1\"], tls { enabled = true, certificate = c.pem,"
                + " key = k.pem, ca = ca.pem } }");
    Config p = PekkoConfig.of(s);
    assertThat(p.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(p.getString("pekko.remote.artery.ssl.rotating-keys-engine.cert-file"))
        .isEqualTo("c.pem");
    assertThat(List.of(s.tls().key().toString(), s.tls().ca().toString()))
        .containsExactly("k.pem", "ca.pem");
  }
}
