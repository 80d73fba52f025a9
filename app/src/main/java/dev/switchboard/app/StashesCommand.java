package dev.switchboard.app;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.stash.Frames;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.hub.stash.StashFormat;
import dev.switchboard.hub.stash.StashLog;
import dev.switchboard.hub.stash.Stashes;
import dev.switchboard.store.MessageLogStore;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard stashes}: logs of the messages that match a filter, kept to be downloaded and
 * re-sent (MyQttHub's stashes). Works while the server runs: definitions are in the registry, which
 * the server polls every second; entries are in {@code stashes.db} (SQLite, normal locking: read
 * and cleared beside the running broker) or the PostgreSQL store. {@code resend} publishes, so it
 * goes through the running server's REST API.
 *
 * <p>Exit codes: 0 done; 1 refused (no such hub or stash, a name taken) or the store failed; 2 bad
 * usage or a bad value.
 */
@Command(
    name = "stashes",
    mixinStandardHelpOptions = true,
    description = "Manage stashes: logs of matching messages (works while the server runs).",
    subcommands = {
      StashesCommand.Add.class,
      StashesCommand.ListStashes.class,
      StashesCommand.Show.class,
      StashesCommand.Set.class,
      StashesCommand.Clear.class,
      StashesCommand.Remove.class,
      StashesCommand.Download.class,
      StashResend.class
    })
public final class StashesCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** Opens the registry and the entries' store around the work; errors as one line. */
  abstract static class StashAction implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions options;

    @Option(
        names = "--hub",
        paramLabel = "HUB",
        defaultValue = "default",
        description = "The hub (default: ${DEFAULT-VALUE}).")
    String hub;

    abstract void run(Stashes stashes, PrintWriter out) throws Exception;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        SwitchboardConfig config = options.load();
        try (RegistryStore registry = RegistryStore.open(config.storeConfig());
            MessageLogStore log = MessageLogStore.open(config.storeConfig())) {
          run(new Stashes(registry, log, Clock.systemUTC(), () -> {}), out);
        }
        return 0;
      } catch (ConfigError | IllegalArgumentException e) {
        return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
      } catch (RegistryException | StoreException e) {
        return Main.fail(err, e.getMessage(), RegistryAction.EXIT_REFUSED);
      } catch (Exception e) {
        return Main.fail(err, String.valueOf(e.getMessage()), RegistryAction.EXIT_REFUSED);
      } finally {
        out.flush();
      }
    }
  }

  /** An action on one stash, named by the first parameter. */
  abstract static class OnStash extends StashAction {
    @Parameters(paramLabel = "NAME", description = "The stash: 1 to 64 of a-z, 0-9, '.', '_', '-'.")
    String name;
  }

  /** The settings {@code add} and {@code set} share. */
  static final class StashFlags {
    @Option(names = "--filter", paramLabel = "FILTER", description = "Topic filter: lab/#.")
    String filter;

    @Option(
        names = "--client-id",
        paramLabel = "ID",
        description = "Only messages of this publisher (repeat for more).")
    List<String> clientIds;

    @Option(
        names = "--all-clients",
        description = "set: messages of every publisher again (drops --client-id).")
    boolean allClients;

    @Option(names = "--max-entries", paramLabel = "N", description = "Entries kept (0: no limit).")
    Long maxEntries;

    @Option(names = "--max-bytes", paramLabel = "N", description = "Payload bytes kept (0: none).")
    Long maxBytes;

    @Option(
        names = "--max-age",
        paramLabel = "AGE",
        description = "Drop entries older than this: 1h, 7d (0: no limit).")
    String maxAge;

    @Option(names = "--disabled", description = "Stop appending.")
    boolean disabled;

    @Option(names = "--enabled", description = "set: append again.")
    boolean enabled;

    Stashes.Settings settings() {
      Long age = maxAge == null ? null : maxAge.equals("0") ? 0L : Frames.parse(maxAge).toSeconds();
      Boolean on = disabled ? Boolean.FALSE : enabled ? Boolean.TRUE : null;
      List<String> ids = allClients ? List.of() : clientIds;
      return new Stashes.Settings(filter, ids, maxEntries, maxBytes, age, on);
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a stash: switchboard stashes add temps --filter 'lab/+/temp'.")
  static final class Add extends OnStash {
    @Mixin StashFlags flags;

    @Override
    void run(Stashes stashes, PrintWriter out) {
      if (flags.filter == null) {
        throw new IllegalArgumentException("give the topic filter: --filter 'lab/#'");
      }
      Stash s = stashes.create(hub, name, flags.settings());
      out.println("stash '" + s.name() + "' added: " + s.filter() + " " + limits(s));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the stashes.")
  static final class ListStashes extends StashAction {
    @Override
    void run(Stashes stashes, PrintWriter out) {
      out.printf("%-24s %-8s %-10s %-8s %s%n", "NAME", "STATUS", "ENTRIES", "DROPPED", "FILTER");
      for (Stash s : stashes.list(hub)) {
        StashLog.Counts c = stashes.log().counts(hub, s.name());
        out.printf(
            "%-24s %-8s %-10d %-8d %s%n",
            s.name(), s.enabled() ? "on" : "off", c.entries(), c.dropped(), s.filter());
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one stash.")
  static final class Show extends OnStash {
    @Override
    void run(Stashes stashes, PrintWriter out) {
      Stash s = stashes.get(hub, name);
      StashLog.Counts c = stashes.log().counts(hub, name);
      out.println("stash:       " + s.name());
      out.println("hub:         " + s.hub());
      out.println("filter:      " + s.filter());
      out.println(
          "clients:     " + (s.clientIds().isEmpty() ? "all" : String.join(", ", s.clientIds())));
      out.println("status:      " + (s.enabled() ? "on" : "off"));
      out.println("limits:      " + limits(s));
      out.println("entries:     " + c.entries() + " (" + c.bytes() + " bytes)");
      out.println("dropped:     " + c.dropped() + " (oldest first, at the limits)");
      out.println("created:     " + Instant.ofEpochMilli(s.createdAt()));
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a stash.")
  static final class Set extends OnStash {
    @Mixin StashFlags flags;

    @Override
    void run(Stashes stashes, PrintWriter out) {
      Stash s = stashes.change(hub, name, flags.settings());
      out.println(
          "stash '"
              + s.name()
              + "': "
              + s.filter()
              + " "
              + limits(s)
              + (s.enabled() ? "" : " off"));
    }
  }

  @Command(name = "clear", mixinStandardHelpOptions = true, description = "Delete its entries.")
  static final class Clear extends OnStash {
    @Override
    void run(Stashes stashes, PrintWriter out) {
      out.println("stash '" + name + "': " + stashes.clear(hub, name) + " entries deleted");
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a stash and its entries.")
  static final class Remove extends OnStash {
    @Override
    void run(Stashes stashes, PrintWriter out) {
      if (!stashes.remove(hub, name)) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND, "stash '" + name + "' does not exist");
      }
      out.println("stash '" + name + "' removed");
    }
  }

  @Command(
      name = "download",
      mixinStandardHelpOptions = true,
      description = "Write its entries as json, ndjson or csv, streamed (to standard output).")
  static final class Download extends OnStash {
    @Option(names = "--format", defaultValue = "json", description = "json, ndjson or csv.")
    String format;

    @Option(names = "--frame", paramLabel = "FRAME", description = "Only the last 1h, 1d, ...")
    String frame;

    @Option(names = "--output", paramLabel = "FILE", description = "A file instead of stdout.")
    Path output;

    @Override
    void run(Stashes stashes, PrintWriter out) throws Exception {
      StashFormat f = StashFormat.parse(format);
      StashLog.Range range =
          frame == null
              ? StashLog.Range.ALL
              : new StashLog.Range(
                  System.currentTimeMillis() - Frames.parse(frame).toMillis(), Long.MAX_VALUE);
      stashes.get(hub, name);
      if (output == null) {
        StashFormat.Output writer = f.open(out); // standard output: buffered by the PrintWriter
        stashes.log().stream(hub, name, range, writer);
        writer.finish();
        return;
      }
      try (Writer file = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        StashFormat.Output writer = f.open(file);
        long n = stashes.log().stream(hub, name, range, writer);
        writer.finish();
        spec.commandLine().getErr().println(n + " entries written to " + output);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write " + output + ": " + e.getMessage(), e);
      }
    }
  }

  static String limits(Stash s) {
    return "(max "
        + (s.maxEntries() == 0 ? "unlimited" : s.maxEntries())
        + " entries, "
        + (s.maxBytes() == 0 ? "unlimited" : s.maxBytes())
        + " bytes, "
        + (s.maxAgeSeconds() == 0 ? "any age" : s.maxAgeSeconds() + " s")
        + ")";
  }
}
