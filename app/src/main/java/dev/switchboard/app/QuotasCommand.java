package dev.switchboard.app;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.DeviceUsage;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.QuotaLimits;
import dev.switchboard.hub.quota.Quotas;
import dev.switchboard.hub.quota.Window;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.store.registry.RegistryStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard quotas}: devices' message quotas (MyQttHub's plans) and their usage. Works
 * while the server runs: settings are in the registry, which the server polls; the usage shown is
 * the day and month counts the server last saved ({@code quotas.save-interval}); the minute and
 * hour counts live in the running server only (the REST inspector shows them).
 *
 * <p>Exit codes: 0 done; 1 refused (no such hub or device) or the registry failed; 2 bad usage or a
 * bad value.
 */
@Command(
    name = "quotas",
    mixinStandardHelpOptions = true,
    description = "Devices' message quotas and their usage (works while the server runs).",
    subcommands = {QuotasCommand.Show.class, QuotasCommand.Set.class})
public final class QuotasCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** Opens the registry around the work; errors as one line. */
  abstract static class QuotaAction implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions options;

    @Option(
        names = "--hub",
        paramLabel = "HUB",
        defaultValue = "default",
        description = "The hub (default: ${DEFAULT-VALUE}).")
    String hub;

    abstract void run(Quotas quotas, PrintWriter out);

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        SwitchboardConfig config = options.load();
        try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
          run(new Quotas(registry, registry.quotas(), null, Clock.systemUTC()), out);
        }
        return 0;
      } catch (ConfigError | IllegalArgumentException e) {
        return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
      } catch (RegistryException | StoreException e) {
        return Main.fail(err, e.getMessage(), RegistryAction.EXIT_REFUSED);
      } finally {
        out.flush();
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "The hub's settings and every device's limits and usage (day and month as last saved).")
  static final class Show extends QuotaAction {
    @Option(
        names = "--sort",
        paramLabel = "KEY",
        defaultValue = "clientId",
        description = "clientId, day, month, refused, dropped (heaviest first).")
    String sort;

    @Option(names = "--prefix", paramLabel = "P", description = "Devices whose id starts so.")
    String prefix;

    @Override
    void run(Quotas quotas, PrintWriter out) {
      Quotas.Sort by = Quotas.Sort.of(sort);
      HubQuota q = quotas.hubQuota(hub);
      out.println(
          "hub '"
              + hub
              + "': measurer "
              + q.measurerSize()
              + " bytes; devices' default "
              + describe(q.defaults()));
      List<DeviceUsage> usage = quotas.usage(hub, prefix, by);
      out.printf("%-24s %-21s %-21s %-8s%n", "CLIENT ID", "DAY (used/limit)", "MONTH", "LARGEST");
      for (DeviceUsage u : usage) {
        out.printf(
            "%-24s %-21s %-21s %-8s%s%n",
            u.clientId(),
            u.used(Window.DAY) + "/" + limit(u.limits().perDay()),
            u.used(Window.MONTH) + "/" + limit(u.limits().perMonth()),
            limit(u.limits().maxMessageSize()),
            u.limits().disconnect() ? " disconnect" : "");
      }
      out.println(
          "(counts as the server last saved them; per minute and hour: GET"
              + " /api/v1/hubs/"
              + hub
              + "/quotas/usage)");
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Change the hub's quota (without --device) or a device's own; flags not given keep their"
              + " value; 0 means no limit.")
  static final class Set extends QuotaAction {
    @Option(names = "--device", paramLabel = "ID", description = "The device's client id.")
    String device;

    @Option(names = "--measurer-size", paramLabel = "BYTES", description = "Hub only.")
    Integer measurerSize;

    @Option(names = "--max-message-size", paramLabel = "BYTES")
    Integer maxMessageSize;

    @Option(names = "--per-minute", paramLabel = "N")
    Long perMinute;

    @Option(names = "--per-hour", paramLabel = "N")
    Long perHour;

    @Option(names = "--per-day", paramLabel = "N")
    Long perDay;

    @Option(names = "--per-month", paramLabel = "N")
    Long perMonth;

    @Option(
        names = "--disconnect",
        negatable = true,
        description = "End the connection at a limit (0x97) instead of refusing the message.")
    Boolean disconnect;

    @Option(names = "--follow-hub", description = "The device drops its own settings.")
    boolean followHub;

    @Override
    void run(Quotas quotas, PrintWriter out) {
      if (device == null) {
        if (followHub) {
          throw new IllegalArgumentException("--follow-hub needs --device");
        }
        HubQuota now = quotas.hubQuota(hub);
        QuotaLimits l = now.defaults();
        HubQuota next =
            new HubQuota(
                hub,
                or(measurerSize, now.measurerSize()),
                new QuotaLimits(
                    or(maxMessageSize, l.maxMessageSize()),
                    or(perMinute, l.perMinute()),
                    or(perHour, l.perHour()),
                    or(perDay, l.perDay()),
                    or(perMonth, l.perMonth()),
                    disconnect != null ? disconnect : l.disconnect()));
        quotas.setHubQuota(next);
        out.println(
            "hub '"
                + hub
                + "': measurer "
                + next.measurerSize()
                + ", "
                + describe(next.defaults()));
        return;
      }
      if (measurerSize != null) {
        throw new IllegalArgumentException("--measurer-size is the hub's; drop --device");
      }
      DeviceQuota now =
          followHub ? DeviceQuota.followingHub(hub, device) : quotas.deviceQuota(hub, device);
      DeviceQuota next =
          new DeviceQuota(
              hub,
              device,
              maxMessageSize != null ? maxMessageSize : now.maxMessageSize(),
              perMinute != null ? perMinute : now.perMinute(),
              perHour != null ? perHour : now.perHour(),
              perDay != null ? perDay : now.perDay(),
              perMonth != null ? perMonth : now.perMonth(),
              disconnect != null ? disconnect : now.disconnect());
      quotas.setDeviceQuota(next);
      out.println(
          "device '" + device + "': " + describe(next.over(quotas.hubQuota(hub).defaults())));
    }

    private static int or(Integer value, int otherwise) {
      return value != null ? value : otherwise;
    }

    private static long or(Long value, long otherwise) {
      return value != null ? value : otherwise;
    }
  }

  private static String limit(long n) {
    return n == 0 ? "-" : Long.toString(n);
  }

  static String describe(QuotaLimits l) {
    return "largest "
        + limit(l.maxMessageSize())
        + ", per minute "
        + limit(l.perMinute())
        + ", hour "
        + limit(l.perHour())
        + ", day "
        + limit(l.perDay())
        + ", month "
        + limit(l.perMonth())
        + (l.disconnect() ? ", disconnect at a limit" : "");
  }
}
