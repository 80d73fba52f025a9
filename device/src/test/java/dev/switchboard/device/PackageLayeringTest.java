package dev.switchboard.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PackageLayeringTest {
  @Test
  @DisplayName(
      "the device runtime imports only the client and mqtt, and none of its packages import each other")
  void layering() {
    var graph = PackageCycles.graph(Path.of("src/main/java"), "dev.switchboard");
    assertThat(graph).as("the graph was read").containsKey("dev.switchboard.device");
    graph.forEach(
        (from, tos) ->
            assertThat(tos)
                .as("what %s imports", from)
                .allMatch(
                    to ->
                        to.startsWith("dev.switchboard.mqtt")
                            || to.startsWith("dev.switchboard.client")
                            || to.startsWith("dev.switchboard.device")));
    assertThat(PackageCycles.twoWay(Path.of("src/main/java"), "dev.switchboard.device")).isEmpty();
  }
}
