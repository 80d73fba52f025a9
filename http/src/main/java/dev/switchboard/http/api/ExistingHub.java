package dev.switchboard.http.api;

import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.DeviceDirectory;
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

  /**
   * The hubs of the running server's registry view (in memory, as the broker's logins see it), and
   * of the registry itself for a hub the view does not have yet (added since its last poll): the
   * broker's routes (publish, streams) run per message and must not read the store each time.
   */
  static ExistingHub in(DeviceDirectory view, RegistryRepository registry) {
    ExistingHub stored = in(registry);
    return ctx -> {
      String name = ctx.pathParam("hub");
      return view.hub(name) != null ? name : stored.of(ctx);
    };
  }

  /** The registry's hubs. */
  static ExistingHub in(RegistryRepository registry) {
    return ctx -> {
      String name = ctx.pathParam("hub");
      return registry.hub(name).orElseThrow(() -> Problem.notFound("no hub '" + name + "'")).name();
    };
  }
}
