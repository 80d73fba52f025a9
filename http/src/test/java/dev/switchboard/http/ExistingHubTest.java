package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Problem;
import dev.switchboard.hub.registry.StaticDirectory;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import io.javalin.http.Context;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub a broker route names: from the running view first, the registry for a newer one. */
class ExistingHubTest {
  @TempDir Path dir;

  /** A request whose path names {@code hub}; nothing else of it is used. */
  private static Context naming(String hub) {
    return (Context)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) -> {
              if (method.getName().equals("pathParam") && "hub".equals(args[0])) {
                return hub;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @Test
  @DisplayName(
      "a hub of the view is taken without reading the registry; one added since the view's last"
          + " poll is found in the registry; neither: 404")
  void viewThenRegistry() {
    try (RegistryStore registry = RegistryStore.open(StoreConfig.sqlite(dir.resolve("r.db")))) {
      registry.addHub(Hub.create("team3", 1));
      StaticDirectory view =
          new StaticDirectory(
              List.of(Hub.create("default", 1), Hub.create("team9", 1)), List.of(), List.of());
      ExistingHub hubs = ExistingHub.in(view, registry);

      assertThat(hubs.of(naming("team9")))
          .as("in the view only: no registry read")
          .isEqualTo("team9");
      assertThat(hubs.of(naming("team3"))).as("in the registry only").isEqualTo("team3");
      assertThatThrownBy(() -> hubs.of(naming("nohub")))
          .isInstanceOf(Problem.class)
          .satisfies(p -> assertThat(((Problem) p).status()).isEqualTo(404));
    }
  }
}
