package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PekkoConfigTest {
  private static ClusterSettings settings() {
    Config c =
        ConfigFactory.parseString("switchboard.cluster.seeds = [\"127.0.0.1:25520\"]")
            .withFallback(ConfigFactory.parseResources("reference.conf"))
            .resolve();
    return ClusterSettings.read(c.getConfig("switchboard.cluster"), "127.0.0.1");
  }

  /**
   * A class loader that lists {@code first} before every {@code reference.conf} of the class path,
   * as a launcher's {@code lib/*} may when a Pekko jar comes before ours.
   */
  private static ClassLoader referenceFirst(Path first) {
    ClassLoader parent = PekkoConfigTest.class.getClassLoader();
    return new ClassLoader(parent) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        if (!name.equals("reference.conf")) {
          return super.getResources(name);
        }
        List<URL> all = new ArrayList<>();
        all.add(first.toUri().toURL());
        all.addAll(Collections.list(super.getResources(name)));
        return Collections.enumeration(all);
      }
    };
  }

  @Test
  @DisplayName(
      "the settings every node shares win over a reference.conf that comes first on the class path")
  void sharedSettingsWinWhateverTheClassPathOrder(@TempDir Path dir) throws IOException {
    Path pekkoLike = dir.resolve("reference.conf");
    Files.writeString(
        pekkoLike,
        """
        pekko.cluster.distributed-data.notify-subscribers-interval = 500ms
        pekko.cluster.downing-provider-class = ""
        pekko.remote.artery.large-message-destinations = []
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = on
        pekko.stdout-loglevel = "WARNING"
        """);
    ClassLoader loader = referenceFirst(pekkoLike);
    // what a plain read of every reference.conf makes of it: the first one's values
    assertThat(
            ConfigFactory.defaultReference(loader)
                .getDuration("pekko.cluster.distributed-data.notify-subscribers-interval"))
        .isEqualTo(Duration.ofMillis(500));

    Config c = PekkoConfig.of(settings(), loader);

    assertThat(c.getDuration("pekko.cluster.distributed-data.notify-subscribers-interval"))
        .isEqualTo(Duration.ofMillis(10));
    assertThat(c.getString("pekko.cluster.downing-provider-class"))
        .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    assertThat(c.getStringList("pekko.remote.artery.large-message-destinations"))
        .containsExactly("/system/switchboard-forward-in-large");
    assertThat(c.getBoolean("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook")).isFalse();
    assertThat(c.getString("pekko.stdout-loglevel")).isEqualTo("OFF");
    // the serializer's registration stays in reference.conf: maps add up whatever the order
    assertThat(c.getString("pekko.actor.serializers.switchboard-cluster"))
        .isEqualTo("dev.switchboard.cluster.wire.ClusterSerializer");
    assertThat(c.getString("pekko.actor.serializers.java"))
        .isEqualTo("org.apache.pekko.serialization.JavaSerializer");
    // and the node's own settings win over the shared ones
    assertThat(c.getStringList("pekko.cluster.seed-nodes"))
        .containsExactly("pekko://switchboard@127.0.0.1:25520");
  }
}
