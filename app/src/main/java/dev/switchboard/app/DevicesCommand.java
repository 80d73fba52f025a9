package dev.switchboard.app;

import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryValidation;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.mqtt.packet.Subscription;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard devices}: the device registry, worked on in the store the configuration names
 * (by default {@code registry.db} in the data directory). It may run while the hub runs: the hub
 * picks changes up within its poll interval, and ends the connections a change no longer allows.
 *
 * <p>Every subcommand works on one hub's devices and rules, {@code --hub H} ({@code default} when
 * not given). Exit codes: 0 done; 1 the registry refused (no such device or hub, a name taken) or
 * the store failed; 2 bad usage or configuration.
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "Manage the device registry (works while the hub runs).",
    subcommands = {
      DevicesCommand.Add.class,
      DevicesCommand.ListDevices.class,
      DevicesCommand.Show.class,
      DevicesCommand.Passwd.class,
      DevicesCommand.Set.class,
      DevicesCommand.Enable.class,
      DevicesCommand.Disable.class,
      DevicesCommand.Remove.class,
      DevicesCommand.Rules.class
    })
public final class DevicesCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** A registry action on the devices and rules of one hub, {@code --hub} ({@code default}). */
  abstract static class Action extends RegistryAction {
    @Option(
        names = "--hub",
        paramLabel = "H",
        defaultValue = Hub.DEFAULT,
        description = "The hub the devices and rules belong to (default: ${DEFAULT-VALUE}).")
    String hub;

    @Override
    void validate() {
      RegistryValidation.hubName(hub);
    }

    Device existing(RegistryRepository registry, String clientId) {
      return registry
          .device(hub, clientId)
          .orElseThrow(
              () ->
                  new RegistryException(
                      RegistryException.Kind.NOT_FOUND, "no device '" + clientId + "'" + inHub()));
    }

    /** Names the hub in a message, unless it is {@code default}. */
    String inHub() {
      return Hub.DEFAULT.equals(hub) ? "" : " in hub '" + hub + "'";
    }
  }

  /** A random password for a device. */
  static char[] generate() {
    return RegistryAction.generatePassword();
  }

  /** The flags {@code add} and {@code set} share. */
  static final class DeviceFlags {
    @Option(
        names = "--replace-policy",
        paramLabel = "replace|reject",
        description =
            "What a second connection with the client id does: replace the first (default) or be"
                + " rejected while the first is alive.")
    String replacePolicy;

    @Option(
        names = "--strict-client-id",
        arity = "0..1",
        paramLabel = "true|false",
        description = "Accept its credentials only with its own client id.")
    Boolean strictClientId;

    @Option(
        names = "--frozen",
        arity = "0..1",
        paramLabel = "true|false",
        description =
            "Freeze its subscriptions: it cannot SUBSCRIBE or UNSUBSCRIBE; it gets those set with"
                + " --subscribe whenever it connects.")
    Boolean frozen;

    @Option(
        names = "--subscribe",
        paramLabel = "FILTER[:QOS]",
        description = "A subscription it gets when frozen (repeatable; replaces the list).")
    List<String> subscriptions;

    @Option(
        names = "--allow-from",
        paramLabel = "CIDR",
        description = "An address block it may connect from (repeatable; replaces the list).")
    List<String> sources;

    @Option(names = "--allow-from-anywhere", description = "Clear the address blocks.")
    boolean anywhere;

    Device applyTo(Device d, long now) {
      ReplacePolicy policy =
          replacePolicy == null
              ? d.replacePolicy()
              : RegistryAction.parseEnum(ReplacePolicy.class, replacePolicy);
      List<Subscription> subs = d.subscriptions();
      if (subscriptions != null) {
        subs = new ArrayList<>();
        for (String s : subscriptions) {
          subs.add(parseSubscription(s));
        }
      }
      List<Cidr> from = d.allowedSources();
      if (anywhere) {
        from = List.of();
      } else if (sources != null) {
        from = sources.stream().map(Cidr::parse).toList();
      }
      return new Device(
          d.hub(),
          d.clientId(),
          d.username(),
          d.passwordHash(),
          d.enabled(),
          policy,
          strictClientId == null ? d.strictClientId() : strictClientId,
          frozen == null ? d.subscriptionsFrozen() : frozen,
          subs,
          from,
          d.createdAt(),
          now);
    }
  }

  static Subscription parseSubscription(String text) {
    int colon = text.lastIndexOf(':');
    if (colon > 0 && colon == text.length() - 2 && Character.isDigit(text.charAt(colon + 1))) {
      return new Subscription(text.substring(0, colon), text.charAt(colon + 1) - '0');
    }
    return new Subscription(text, 0);
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a device. Its user name defaults to its client id.")
  static final class Add extends Action {
    @Parameters(paramLabel = "ID", description = "The device's MQTT client id.")
    String clientId;

    @Option(names = "--username", paramLabel = "U", description = "Its user name.")
    String username;

    @ArgGroup(exclusive = true)
    PasswordChoice password;

    @Mixin DeviceFlags flags;

    @Override
    void run(RegistryRepository registry, PrintWriter out) throws IOException {
      long now = System.currentTimeMillis();
      String hash = null;
      if (password != null) {
        hash = hasher().hash(password.resolve(out));
      }
      Device device =
          flags.applyTo(
              Device.create(hub, clientId, username == null ? clientId : username, hash, now), now);
      registry.add(device);
      out.println(
          "added device '"
              + device.clientId()
              + "'"
              + inHub()
              + " (user name '"
              + device.username()
              + "'"
              + (hash == null ? ", no password: set one with 'devices passwd'" : "")
              + ")");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the devices.")
  static final class ListDevices extends Action {
    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      List<Device> devices = registry.devices(hub);
      if (devices.isEmpty()) {
        out.println(
            "no devices"
                + inHub()
                + "; add one with: switchboard devices add ID --generate"
                + (Hub.DEFAULT.equals(hub) ? "" : " --hub " + hub));
        return;
      }
      out.printf(
          "%-24s %-24s %-9s %-8s %s%n", "CLIENT ID", "USER NAME", "STATUS", "REPLACE", "FLAGS");
      for (Device d : devices) {
        List<String> flags = new ArrayList<>();
        if (d.passwordHash() == null) {
          flags.add("no-password");
        }
        if (d.strictClientId()) {
          flags.add("strict-client-id");
        }
        if (d.subscriptionsFrozen()) {
          flags.add("frozen(" + d.subscriptions().size() + ")");
        }
        if (!d.allowedSources().isEmpty()) {
          flags.add("from(" + d.allowedSources().size() + ")");
        }
        out.printf(
            "%-24s %-24s %-9s %-8s %s%n",
            d.clientId(),
            d.username(),
            d.enabled() ? "enabled" : "disabled",
            d.replacePolicy().name().toLowerCase(Locale.ROOT),
            String.join(" ", flags));
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one device.")
  static final class Show extends Action {
    @Parameters(paramLabel = "ID")
    String clientId;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      Device d = existing(registry, clientId);
      if (!Hub.DEFAULT.equals(d.hub())) {
        out.println("hub:              " + d.hub());
      }
      out.println("client id:        " + d.clientId());
      out.println("user name:        " + d.username());
      out.println("password:         " + describeHash(d.passwordHash()));
      out.println("status:           " + (d.enabled() ? "enabled" : "disabled"));
      out.println("replace policy:   " + d.replacePolicy().name().toLowerCase(Locale.ROOT));
      out.println("strict client id: " + d.strictClientId());
      out.println("frozen:           " + d.subscriptionsFrozen());
      for (Subscription s : d.subscriptions()) {
        out.println("  subscription:   " + s.filter() + " (QoS " + s.qos() + ")");
      }
      out.println(
          "allowed from:     "
              + (d.allowedSources().isEmpty()
                  ? "anywhere"
                  : String.join(", ", d.allowedSources().stream().map(Cidr::toString).toList())));
      out.println("created:          " + Instant.ofEpochMilli(d.createdAt()));
      out.println("updated:          " + Instant.ofEpochMilli(d.updatedAt()));
      List<AccessRule> rules = registry.rules(hub, d.clientId());
      for (AccessRule r : rules) {
        out.println("  rule:           " + describe(r));
      }
    }

    private static String describeHash(String phc) {
      if (phc == null) {
        return "none";
      }
      int end = phc.indexOf('$', 1);
      return "set (" + (end > 1 ? phc.substring(1, end) : "unknown scheme") + ")";
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a password.")
  static final class Passwd extends Action {
    @Parameters(paramLabel = "ID")
    String clientId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PasswordChoice password;

    @Override
    void run(RegistryRepository registry, PrintWriter out) throws IOException {
      Device d = existing(registry, clientId);
      registry.update(d.withPasswordHash(hasher().hash(password.resolve(out))));
      out.println("password of '" + clientId + "' changed");
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Change a device's user name or flags.")
  static final class Set extends Action {
    @Parameters(paramLabel = "ID")
    String clientId;

    @Option(names = "--username", paramLabel = "U", description = "A new user name.")
    String username;

    @Mixin DeviceFlags flags;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      Device d = existing(registry, clientId);
      long now = System.currentTimeMillis();
      Device changed = flags.applyTo(d, now);
      if (username != null) {
        changed = changed.withUsername(username);
      }
      registry.update(changed);
      out.println("device '" + clientId + "' changed");
    }
  }

  /** Enable and disable: the same change, either way. */
  abstract static class Toggle extends Action {
    @Parameters(paramLabel = "ID")
    String clientId;

    abstract boolean enabled();

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      registry.update(existing(registry, clientId).withEnabled(enabled()));
      out.println("device '" + clientId + "' " + (enabled() ? "enabled" : "disabled"));
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a device.")
  static final class Enable extends Toggle {
    @Override
    boolean enabled() {
      return true;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a device: it is refused, and its connections are closed.")
  static final class Disable extends Toggle {
    @Override
    boolean enabled() {
      return false;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a device and its rules; its connections are closed.")
  static final class Remove extends Action {
    @Parameters(paramLabel = "ID")
    String clientId;

    @Override
    void run(RegistryRepository registry, PrintWriter out) {
      if (!registry.remove(hub, clientId)) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND, "no device '" + clientId + "'" + inHub());
      }
      out.println("device '" + clientId + "' removed");
    }
  }

  static String describe(AccessRule r) {
    return "#"
        + r.id()
        + " priority "
        + r.priority()
        + " "
        + r.action().name().toLowerCase(Locale.ROOT)
        + " "
        + r.operation().name().toLowerCase(Locale.ROOT)
        + " "
        + r.filter()
        + (r.clientId() == null ? " (global)" : " (device " + r.clientId() + ")")
        + (r.label().isEmpty() ? "" : " \"" + r.label() + "\"");
  }

  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description =
          "Access rules: evaluated by priority (1 before 100); the first allow or deny that"
              + " matches decides; continue decides nothing.",
      subcommands = {Rules.ListRules.class, Rules.AddRule.class, Rules.RemoveRule.class})
  static final class Rules implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return Main.EXIT_CONFIG;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List rules.")
    static final class ListRules extends Action {
      @Option(names = "--device", paramLabel = "ID", description = "Only this device's rules.")
      String device;

      @Option(names = "--global", description = "Only global rules.")
      boolean global;

      @Override
      void run(RegistryRepository registry, PrintWriter out) {
        List<AccessRule> rules =
            global
                ? registry.rules(hub, null)
                : device != null
                    ? registry.rules(hub, device)
                    : registry.rules().stream().filter(r -> r.hub().equals(hub)).toList();
        if (rules.isEmpty()) {
          out.println(
              "no rules: every authenticated client may publish and subscribe anywhere"
                  + " the default access allows");
          return;
        }
        for (AccessRule r : rules) {
          out.println(describe(r));
        }
      }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a rule.")
    static final class AddRule extends Action {
      static final class Scope {
        @Option(names = "--device", paramLabel = "ID", description = "The device it applies to.")
        String device;

        @Option(names = "--global", description = "Applies to every client.")
        boolean global;
      }

      @ArgGroup(exclusive = true, multiplicity = "1")
      Scope scope;

      @Option(
          names = "--action",
          required = true,
          paramLabel = "allow|deny|continue",
          description = "What a match does.")
      String action;

      @Option(
          names = "--operation",
          paramLabel = "publish|subscribe|all",
          description = "Which packets it applies to (default all).")
      String operation = "all";

      @Option(
          names = "--filter",
          required = true,
          paramLabel = "FILTER",
          description = "Topic filter; %%c is the client id, %%u the user name.")
      String filter;

      @Option(
          names = "--priority",
          paramLabel = "N",
          description = "Lower goes first (default 100).")
      int priority = 100;

      @Option(names = "--label", paramLabel = "TEXT", description = "A note.")
      String label = "";

      @Override
      void run(RegistryRepository registry, PrintWriter out) {
        AccessRule added =
            registry.addRule(
                new AccessRule(
                    0,
                    hub,
                    scope.global ? null : scope.device,
                    priority,
                    parseEnum(RuleAction.class, action),
                    parseEnum(RuleOperation.class, operation),
                    filter,
                    label));
        out.println("added rule " + describe(added));
      }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a rule.")
    static final class RemoveRule extends Action {
      @Parameters(paramLabel = "RULE", description = "The rule's number, as 'rules list' shows.")
      long id;

      @Override
      void run(RegistryRepository registry, PrintWriter out) {
        if (!registry.removeRule(id)) {
          throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no rule #" + id);
        }
        out.println("rule #" + id + " removed");
      }
    }
  }
}
