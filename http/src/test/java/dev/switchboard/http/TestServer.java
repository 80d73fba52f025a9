package dev.switchboard.http;

import dev.switchboard.broker.transport.TlsConfig;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import java.util.List;

/** Servers for the module's tests. */
final class TestServer {
  private TestServer() {}

  /** The routes a server with every resource registers. */
  static List<ApiRoute> routesOfAFullServer() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("switchboard-routes");
      dev.switchboard.store.StoreConfig store =
          dev.switchboard.store.StoreConfig.sqlite(dir.resolve("switchboard.db"));
      try (dev.switchboard.store.registry.RegistryStore registry =
              dev.switchboard.store.registry.RegistryStore.open(store);
          dev.switchboard.store.MessageLogStore log =
              dev.switchboard.store.MessageLogStore.open(store)) {
        return HttpApi.server(
                HttpSettings.loopback(),
                TlsConfig.none(),
                () -> null,
                new HttpApi.Parts(
                    null,
                    null,
                    new dev.switchboard.hub.auth.PasswordHasher(
                        new dev.switchboard.hub.auth.PasswordHasher.Settings(
                            dev.switchboard.hub.auth.PasswordHasher.Algorithm.PBKDF2_SHA256,
                            19_456,
                            2,
                            1,
                            1_000)),
                    null,
                    java.time.Clock.systemUTC(),
                    new dev.switchboard.broker.Broker(
                        dev.switchboard.broker.testing.TestBroker.config()),
                    null,
                    ClusterTest::sample),
                dev.switchboard.http.myqtthub.DeviceApiSettings.defaults(),
                new dev.switchboard.hub.stash.Stashes(
                    registry, log, java.time.Clock.systemUTC(), () -> {}),
                new dev.switchboard.hub.quota.Quotas(
                    registry, registry.quotas(), null, java.time.Clock.systemUTC()),
                null)
            .routes();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A server with the health checks and the OpenAPI document only; nobody can log in. */
  static HttpServer bare(HttpSettings settings, Readiness readiness) {
    return new HttpServer(
        settings,
        TlsConfig.none(),
        readiness,
        (ctx, route) -> {
          throw Problem.unauthenticated("nobody");
        },
        new Json(settings.maxBodyBytes()),
        List.of());
  }
}
