package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PackageLayeringTest {
  @Test
  @DisplayName(
      "the hub imports the broker and nothing of the store; none of its packages import each other")
  void layering() {
    var graph = PackageCycles.graph(Path.of("src/main/java"), "dev.switchboard");
    assertThat(graph).as("the graph was read").containsKey("dev.switchboard.hub.auth");
    graph.forEach(
        (from, tos) ->
            assertThat(tos)
                .as("what %s imports", from)
                .noneMatch(to -> to.startsWith("dev.switchboard.store")));
    assertThat(PackageCycles.twoWay(Path.of("src/main/java"), "dev.switchboard.hub")).isEmpty();
  }
}
