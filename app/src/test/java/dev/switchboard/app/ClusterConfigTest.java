package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.cluster.ClusterSettings;
import dev.switchboard.cluster.HostPort;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard.cluster} and the flags of {@code start} that set it. */
class ClusterConfigTest {
  @TempDir Path dir;

  private static ClusterSettings cluster(Map<String, String> env, Map<String, Object> flags) {
    return SwitchboardConfig.load(null, env, flags).clusterSettings();
  }

  @Test
  @DisplayName("off by default; the flags' values, with the cluster address the listeners' one")
  void flags() {
    assertThat(cluster(Map.of(), Map.of()).enabled()).isFalse();
    ClusterSettings c =
        cluster(
            Map.of(),
            Map.of(
                "listeners.bind", "127.0.0.1",
                "cluster.enabled", true,
                "cluster.port", "7001",
                "cluster.seeds", List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"),
                "cluster.node-name", "n1"));
    assertThat(c.enabled()).isTrue();
    assertThat(c.self()).isEqualTo(new HostPort("127.0.0.1", 7001));
    assertThat(c.isFirstSeed()).isTrue();
    assertThat(c.nodeName()).isEqualTo("n1");
    assertThat(c.seeds()).hasSize(3);
  }

  @Test
  @DisplayName("a bad value is one line naming the setting")
  void badValues() {
    assertThatThrownBy(
            () -> cluster(Map.of(), Map.of("cluster.seeds", List.of("127.0.0.1:7001", "x"))))
        .isInstanceOf(ConfigError.class)
        .hasMessage("switchboard.cluster.seeds[1]: \"x\" is not host:port");
    assertThatThrownBy(() -> cluster(Map.of("SWITCHBOARD_CLUSTER_PORT", "abc"), Map.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("port")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(
            () -> cluster(Map.of(), Map.of("cluster.enabled", true, "cluster.port", "70000")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("switchboard.cluster.port must be from 1 to 65535");
  }

  @Test
  @DisplayName(
      "a cluster node needs the PostgreSQL store, unless unsafe-local-store allows one per node")
  void needsPostgres() {
    Map<String, Object> flags =
        Map.of("cluster.enabled", true, "cluster.seeds", List.of("127.0.0.1:7001"));
    SwitchboardConfig sqlite = SwitchboardConfig.load(null, Map.of(), flags);
    assertThatThrownBy(() -> sqlite.checkClusterStore(sqlite.clusterSettings()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("switchboard.cluster needs the PostgreSQL store");
    SwitchboardConfig unsafe =
        SwitchboardConfig.load(
            null, Map.of("SWITCHBOARD_CLUSTER_UNSAFE__LOCAL__STORE", "true"), flags);
    unsafe.checkClusterStore(unsafe.clusterSettings());
    SwitchboardConfig postgres =
        SwitchboardConfig.load(
            null,
            Map.of(
                "SWITCHBOARD_STORE_TYPE", "postgresql",
                "SWITCHBOARD_STORE_POSTGRESQL_URL", "jdbc:postgresql://db:5432/sb"),
            flags);
    postgres.checkClusterStore(postgres.clusterSettings());
  }

  @Test
  @DisplayName("switchboard start --cluster on SQLite says why in one line and exits 2")
  void startRefused() {
    CliRun r =
        CliRun.run(
            dir,
            "start",
            "--dev",
            "--cluster",
            "--cluster-seeds",
            "127.0.0.1:7001",
            "--mqtt-port",
            "0",
            "--http-port",
            "off",
            "--https-port",
            "off");
    assertThat(r.code()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(r.err().strip())
        .startsWith("switchboard: switchboard.cluster needs the PostgreSQL store")
        .doesNotContain("\n");
  }
}
