package dev.switchboard.app;

import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryValidation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard admins}: the people who manage the server (server administrators, every hub)
 * or one hub ({@code --hub H}), with a role (owner, admin, viewer) and a password hashed as
 * devices' passwords are. The HTTP API logs them in.
 *
 * <p>Exit codes: 0 done; 1 the registry refused (a name taken, no such hub or administrator, the
 * last server administrator) or the store failed; 2 bad usage or a bad value. A command that fails
 * changes nothing.
 */
@Command(
    name = "admins",
    mixinStandardHelpOptions = true,
    description = "Manage the administrators of the server and of its hubs.",
    subcommands = {
      AdminsCommand.Add.class,
      AdminsCommand.ListAdmins.class,
      AdminsCommand.Passwd.class,
      AdminsCommand.Remove.class
    })
public final class AdminsCommand implements Callable<Integer> {
  /** What the server prints at start while it has no administrator. */
  static final String HOW_TO_ADD =
      "no administrator yet; add one with: switchboard admins add NAME --generate";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** An action on one administrator, named by the first parameter. */
  abstract static class OnAdmin extends RegistryAction {
    @Parameters(paramLabel = "NAME", description = "What they log in as.")
    String name;

    Admin existing(RegistryRepository registry) {
      return registry
          .admin(name)
          .orElseThrow(
              () ->
                  new RegistryException(
                      RegistryException.Kind.NOT_FOUND, "no administrator '" + name + "'"));
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a server administrator, or with --hub an administrator of one hub.")
  static final class Add extends OnAdmin {
    @Option(names = "--hub", paramLabel = "H", description = "The hub they manage (none: all).")
    String hub;

    @Option(
        names = "--role",
        paramLabel = "owner|admin|viewer",
        description = "What they may do (default owner).")
    String role = "owner";

    @ArgGroup(exclusive = true, multiplicity = "1")
    PasswordChoice password;

    @Override
    void validate() {
      if (hub != null) {
        RegistryValidation.hubName(hub);
      }
      parseEnum(AdminRole.class, role);
    }

    @Override
    void run(RegistryRepository registry, PrintWriter out) throws IOException {
      long now = System.currentTimeMillis();
      AdminRole r = parseEnum(AdminRole.class, role);
      // checked before the password is shown or hashed: a refused add changes nothing
      new Admin(name, hub, r, "-", now, now);
      if (registry.admin(name).isPresent()) {
        throw new RegistryException(
            RegistryException.Kind.EXISTS, "administrator '" + name + "' exists already");
      }
      if (hub != null && registry.hub(hub).isEmpty()) {
        throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no hub '" + hub + "'");
      }
      Admin admin = new Admin(name, hub, r, hasher().hash(password.resolve(out)), now, now);
      registry.addAdmin(admin);
      out.println(
          "added "
              + r.name().toLowerCase(Locale.ROOT)
              + " '"
              + name
              + "' ("
              + (hub == null ? "server administrator" : "administrator of hub '" + hub + "'")
              + ")");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List administrators.")
  static final class ListAdmins extends RegistryAction {
    @Option(names = "--hub", paramLabel = "H", description = "Only this hub's.")
    String hub;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      List<Admin> admins =
          registry.admins().stream().filter(a -> hub == null || hub.equals(a.hub())).toList();
      if (admins.isEmpty()) {
        out.println(hub == null ? HOW_TO_ADD : "no administrators of hub '" + hub + "'");
        return;
      }
      out.printf("%-24s %-8s %s%n", "NAME", "ROLE", "SCOPE");
      for (Admin a : admins) {
        out.printf(
            "%-24s %-8s %s%n", a.name(), a.role().name().toLowerCase(Locale.ROOT), a.scope());
      }
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a password.")
  static final class Passwd extends OnAdmin {
    @ArgGroup(exclusive = true, multiplicity = "1")
    PasswordChoice password;

    @Override
    void run(RegistryRepository registry, PrintWriter out) throws IOException {
      Admin a = existing(registry);
      registry.updateAdmin(a.withPasswordHash(hasher().hash(password.resolve(out))));
      out.println("password of '" + name + "' changed");
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove an administrator (never the last server administrator).")
  static final class Remove extends OnAdmin {
    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      if (!registry.removeAdmin(name)) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND, "no administrator '" + name + "'");
      }
      out.println("administrator '" + name + "' removed");
    }
  }
}
