package dev.switchboard.app;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.auth.PasswordGenerator;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * A subcommand that works on the registry ({@code devices}, {@code hubs}, {@code admins}): opens it
 * around the work, and turns an error into one line and its exit code: 1 the registry refused (no
 * such device, a name taken, something still in use) or the store failed; 2 bad usage or
 * configuration. Nothing is changed by a command that fails.
 */
abstract class RegistryAction implements Callable<Integer> {
  static final int EXIT_REFUSED = 1;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;

  SwitchboardConfig config;

  abstract void run(RegistryRepository registry, PrintWriter out) throws IOException;

  /** Checks the arguments before the registry is opened; throws IllegalArgumentException. */
  void validate() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      validate();
      config = options.load();
      try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
        run(registry, out);
      }
      return 0;
    } catch (ConfigError | IllegalArgumentException e) {
      return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
    } catch (IOException e) {
      return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
    } catch (RegistryException | StoreException e) {
      return Main.fail(err, e.getMessage(), EXIT_REFUSED);
    } finally {
      out.flush();
    }
  }

  PasswordHasher hasher() {
    return new PasswordHasher(config.passwordHashing());
  }

  /** A random password of letters and digits that cannot be misread (no 0/O, 1/l/I). */
  static char[] generatePassword() {
    return new PasswordGenerator().generate(); // the HTTP API makes them the same way
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String text) {
    try {
      return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E value : type.getEnumConstants()) {
        names.add(value.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException(
          "'" + text + "' is not one of " + String.join(", ", names), e);
    }
  }
}
