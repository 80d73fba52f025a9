package dev.switchboard.app;

import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.HubStatus;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryValidation;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard hubs}: the hubs (tenants) of the registry, each with its own devices, topics
 * and limits. Works while the server runs: a change is picked up within the registry's poll
 * interval (a disabled or removed hub's connections are ended; a removed hub's sessions and
 * retained messages are discarded).
 *
 * <p>Exit codes: 0 done; 1 the registry refused (no such hub, a name taken, a hub that still has
 * devices) or the store failed; 2 bad usage or a bad value. A command that fails changes nothing.
 */
@Command(
    name = "hubs",
    mixinStandardHelpOptions = true,
    description = "Manage the hubs: isolated MQTT hubs on one server (works while it runs).",
    subcommands = {
      HubsCommand.Add.class,
      HubsCommand.ListHubs.class,
      HubsCommand.Show.class,
      HubsCommand.Set.class,
      HubsCommand.Enable.class,
      HubsCommand.Disable.class,
      HubsCommand.Remove.class
    })
public final class HubsCommand implements Callable<Integer> {
  /** The lab handout's devices and apps, four of each. */
  static final int LAB_PAIRS = 4;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** An action on one hub, named by the first parameter. */
  abstract static class OnHub extends RegistryAction {
    @Parameters(paramLabel = "HUB", description = "The hub's name: 1 to 32 of a-z, 0-9 and '-'.")
    String name;

    @Override
    void validate() {
      RegistryValidation.hubName(name);
    }

    Hub existing(RegistryRepository registry) {
      return registry
          .hub(name)
          .orElseThrow(
              () ->
                  new RegistryException(RegistryException.Kind.NOT_FOUND, "no hub '" + name + "'"));
    }
  }

  /** {@code --display-name} and the limits, which {@code add} and {@code set} share. */
  static final class HubFlags {
    @Option(names = "--display-name", paramLabel = "TEXT", description = "What people call it.")
    String displayName;

    @Option(
        names = "--max-devices",
        paramLabel = "N",
        description = "Devices it may have (0: no limit).")
    Integer devices;

    @Option(
        names = "--max-connections",
        paramLabel = "N",
        description = "Connections at once (0: no limit).")
    Integer connections;

    @Option(
        names = "--max-message-size",
        paramLabel = "BYTES",
        description = "Bytes of one message's payload (0: no limit).")
    Integer messageSize;

    @Option(
        names = "--max-retained",
        paramLabel = "N",
        description = "Retained messages (0: no limit).")
    Integer retained;

    @Option(
        names = "--max-queued",
        paramLabel = "N",
        description = "Messages queued for one session (0: no limit).")
    Integer queued;

    Hub applyTo(Hub h) {
      HubLimits l = h.limits();
      HubLimits limits =
          new HubLimits(
              devices == null ? l.devices() : devices,
              connections == null ? l.connections() : connections,
              messageSize == null ? l.messageSize() : messageSize,
              retained == null ? l.retainedMessages() : retained,
              queued == null ? l.queuedMessages() : queued);
      return h.withLimits(limits)
          .withDisplayName(displayName == null ? h.displayName() : displayName);
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add a hub. With --lab, also the lab handout's devices device_1..4 and apps app_1..4,"
              + " each with a generated password, printed once.")
  static final class Add extends OnHub {
    @Mixin HubFlags flags;

    @Option(
        names = "--lab",
        description = "Create device_1..4 and app_1..4 and print their passwords once.")
    boolean lab;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      long now = System.currentTimeMillis();
      Hub hub = flags.applyTo(Hub.create(name, now));
      List<String[]> table = new ArrayList<>();
      List<Device> devices = new ArrayList<>();
      if (lab) {
        if (hub.limits().devices() > 0 && hub.limits().devices() < 2 * LAB_PAIRS) {
          throw new IllegalArgumentException(
              "--lab makes " + 2 * LAB_PAIRS + " devices; --max-devices is lower");
        }
        // hashed before anything is written: the hub and its devices go in together or not at all
        PasswordHasher hasher = hasher();
        for (String kind : List.of("device", "app")) {
          for (int i = 1; i <= LAB_PAIRS; i++) {
            String id = kind + "_" + i;
            char[] password = generatePassword();
            devices.add(LabAccounts.account(name, id, hasher.hash(password), now));
            table.add(new String[] {id, id, new String(password)});
          }
        }
      }
      registry.addHub(hub);
      try {
        for (Device d : devices) {
          registry.add(d);
        }
      } catch (RuntimeException e) {
        registry.removeHub(name, true); // the hub was new: nothing of anyone else goes with it
        throw e;
      }
      out.println("added hub '" + name + "'");
      if (lab) {
        out.println();
        out.printf("%-12s %-12s %s%n", "CLIENT ID", "USER NAME", "PASSWORD");
        for (String[] row : table) {
          out.printf("%-12s %-12s %s%n", row[0], row[1], row[2]);
        }
        out.println();
        out.println(
            "(passwords shown once: keep them now. Clients log in as USER@"
                + name
                + ", e.g. device_1@"
                + name
                + ")");
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the hubs.")
  static final class ListHubs extends RegistryAction {
    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      List<Device> all = registry.devices();
      out.printf("%-32s %-9s %-8s %s%n", "HUB", "STATUS", "DEVICES", "DISPLAY NAME");
      for (Hub h : registry.hubs()) {
        long count = all.stream().filter(d -> d.hub().equals(h.name())).count();
        out.printf("%-32s %-9s %-8d %s%n", h.name(), status(h.status()), count, h.displayName());
      }
    }
  }

  static String status(HubStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static String limit(int value) {
    return value == 0 ? "no limit" : String.valueOf(value);
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one hub.")
  static final class Show extends OnHub {
    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      Hub h = existing(registry);
      HubLimits l = h.limits();
      out.println("hub:              " + h.name());
      out.println("display name:     " + h.displayName());
      out.println("status:           " + status(h.status()));
      out.println("devices:          " + registry.devices(h.name()).size());
      out.println(
          "rules:            "
              + registry.rules().stream().filter(r -> r.hub().equals(h.name())).count());
      out.println("max devices:      " + limit(l.devices()));
      out.println("max connections:  " + limit(l.connections()));
      out.println("max message size: " + limit(l.messageSize()));
      out.println("max retained:     " + limit(l.retainedMessages()));
      out.println("max queued:       " + limit(l.queuedMessages()));
      out.println(
          "administrators:   "
              + String.join(
                  ", ",
                  registry.admins().stream()
                      .filter(a -> h.name().equals(a.hub()))
                      .map(a -> a.name() + " (" + a.role().name().toLowerCase(Locale.ROOT) + ")")
                      .toList()));
      out.println("created:          " + Instant.ofEpochMilli(h.createdAt()));
      out.println("updated:          " + Instant.ofEpochMilli(h.updatedAt()));
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Change a hub's display name or limits.")
  static final class Set extends OnHub {
    @Mixin HubFlags flags;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      registry.updateHub(flags.applyTo(existing(registry)));
      out.println("hub '" + name + "' changed");
    }
  }

  /** Enable and disable: the same change, either way. */
  abstract static class Toggle extends OnHub {
    abstract HubStatus status();

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      registry.updateHub(existing(registry).withStatus(status()));
      out.println("hub '" + name + "' " + (status() == HubStatus.ACTIVE ? "enabled" : "disabled"));
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a hub.")
  static final class Enable extends Toggle {
    @Override
    HubStatus status() {
      return HubStatus.ACTIVE;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a hub: its clients are refused and its connections closed.")
  static final class Disable extends Toggle {
    @Override
    HubStatus status() {
      return HubStatus.DISABLED;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Remove a hub with its devices, rules and administrators, and (on a running server, at"
              + " its next registry poll) its sessions and retained messages; refused while it has"
              + " devices unless --force.")
  static final class Remove extends OnHub {
    @Option(names = "--force", description = "Remove it even with its devices.")
    boolean force;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      Hub h = existing(registry);
      int devices = registry.devices(h.name()).size();
      long rules = registry.rules().stream().filter(r -> r.hub().equals(h.name())).count();
      long admins = registry.admins().stream().filter(a -> h.name().equals(a.hub())).count();
      String holds = devices + " devices, " + rules + " rules and " + admins + " administrators";
      if (devices > 0 && !force) {
        throw new RegistryException(
            RegistryException.Kind.IN_USE,
            "hub '"
                + name
                + "' has "
                + holds
                + "; 'hubs remove "
                + name
                + " --force' deletes them");
      }
      if (!registry.removeHub(name, force)) {
        throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no hub '" + name + "'");
      }
      out.println(
          "hub '"
              + name
              + "' removed with its "
              + holds
              + "; the server discards its sessions and retained messages");
    }
  }
}
