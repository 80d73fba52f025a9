package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PackageLayeringTest {
  @Test
  @DisplayName(
      "the cluster imports the broker (and hub), nothing of store, http or app; none of its"
          + " packages import each other")
  void layering() {
    var graph = PackageCycles.graph(Path.of("src/main/java"), "dev.switchboard");
    assertThat(graph).as("the graph was read").containsKey("dev.switchboard.cluster.forward");
    graph.forEach(
        (from, tos) ->
            assertThat(tos)
                .as("what %s imports", from)
                .noneMatch(
                    to ->
                        to.startsWith("dev.switchboard.store")
                            || to.startsWith("dev.switchboard.http")
                            || to.startsWith("dev.switchboard.app")));
    assertThat(PackageCycles.twoWay(Path.of("src/main/java"), "dev.switchboard.cluster")).isEmpty();
  }
}
