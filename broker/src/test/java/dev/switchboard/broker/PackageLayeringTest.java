package dev.switchboard.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PackageLayeringTest {
  private static final Path MAIN = Path.of("src/main/java");

  @Test
  @DisplayName("no two packages of the broker import each other (DESIGN.md)")
  void noTwoWayImports() {
    assertThat(PackageCycles.graph(MAIN, "dev.switchboard.broker"))
        .as("the graph was read")
        .containsKeys("dev.switchboard.broker.connection", "dev.switchboard.broker.session");
    assertThat(PackageCycles.twoWay(MAIN, "dev.switchboard.broker")).isEmpty();
  }

  @Test
  @DisplayName("the packages below the root never import the root, which puts them together")
  void nothingImportsTheRoot() {
    PackageCycles.graph(MAIN, "dev.switchboard.broker")
        .forEach(
            (from, tos) ->
                assertThat(tos)
                    .as("what %s imports", from)
                    .doesNotContain("dev.switchboard.broker"));
  }
}
