package dev.switchboard.http.api;

import dev.switchboard.hub.registry.RegistryRepository;
import io.javalin.http.Context;

/** The hub a route's path names, checked to be in the registry. */
@FunctionalInterface
public interface ExistingHub {
  /**
   * The name of the hub in the path.
   *
   * @throws Problem 404 when the registry has no such hub
   */
  String of(Context ctx);

  /** The registry's hubs. */
  static ExistingHub in(RegistryRepository registry) {
    return ctx -> {
      String name = ctx.pathParam("hub");
      return registry.hub(name).orElseThrow(() -> Problem.notFound("no hub '" + name + "'")).name();
    };
  }
}
