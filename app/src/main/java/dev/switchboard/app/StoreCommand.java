package dev.switchboard.app;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.store.CheckReport;
import dev.switchboard.store.RepairReport;
import dev.switchboard.store.SqlStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.StoreTool;
import dev.switchboard.store.StoreToolException;
import dev.switchboard.store.Stores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard store}: check, repair, export and import the store the hub keeps its state in.
 * Each wants the store to itself: stop the hub first (a SQLite store in use is refused).
 *
 * <p>Exit codes: 0 done (and, for check, nothing damaged); 1 the store is damaged or the operation
 * failed; 2 bad usage or configuration ({@link Main#EXIT_CONFIG}).
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "Check, repair, export and import the hub's store. Stop the hub first.",
    subcommands = {
      StoreCommand.Check.class,
      StoreCommand.Repair.class,
      StoreCommand.Export.class,
      StoreCommand.Import.class
    })
public final class StoreCommand implements Callable<Integer> {
  /** The store is damaged, or the operation failed. */
  static final int EXIT_FAILED = 1;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** What every subcommand does around its work: one line for an error, the right exit code. */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions options;

    abstract int run(StoreConfig config, PrintWriter out) throws IOException;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        return run(options.load().storeConfig(), out);
      } catch (ConfigError | IllegalArgumentException e) {
        // StoreConfig's own checks (a URL that is not PostgreSQL's) are configuration errors too.
        return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
      } catch (NoSuchFileException e) {
        return Main.fail(err, e.getFile() + " does not exist", Main.EXIT_CONFIG);
      } catch (IOException e) {
        return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
      } catch (UncheckedIOException e) {
        return Main.fail(err, e.getCause().getMessage(), EXIT_FAILED);
      } catch (StoreException | StoreToolException e) {
        return Main.fail(err, e.getMessage(), EXIT_FAILED);
      } finally {
        out.flush();
      }
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Look at the store without changing it: SQLite's integrity check, the schema version,"
            + " rows per table; then the same for the stashes' entries, each stash's counters"
            + " against its entries, and entries of stashes the registry does not define.",
        "Exits 0 when both are sound, 1 when either is damaged."
      })
  static final class Check extends Action {
    @Override
    int run(StoreConfig config, PrintWriter out) {
      CheckReport state = StoreTool.check(config);
      state.lines().forEach(out::println);
      CheckReport stashes = StoreTool.checkStashes(config);
      stashes.lines().forEach(out::println);
      return state.ok() && stashes.ok() ? 0 : EXIT_FAILED;
    }
  }

  @Command(
      name = "repair",
      mixinStandardHelpOptions = true,
      description = {
        "Repair the store. A damaged SQLite file is moved aside (NAME.damaged-DATE-TIME) and every"
            + " row that can still be read is copied into a new one; rows no session owns are"
            + " deleted.",
        "Prints what was saved and what was lost."
      })
  static final class Repair extends Action {
    @Override
    int run(StoreConfig config, PrintWriter out) {
      RepairReport report = StoreTool.repair(config);
      report.lines().forEach(out::println);
      return 0;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write everything the store holds, the stashes' entries included, as JSON lines, to move"
            + " it to another store or keep a copy."
      })
  static final class Export extends Action {
    @Option(
        names = "--output",
        paramLabel = "FILE|-",
        defaultValue = "-",
        description = "Where to write (default -, standard output).")
    String output;

    @Override
    int run(StoreConfig config, PrintWriter out) throws IOException {
      try (SqlStore store = Stores.openExisting(config)) {
        if (output.equals("-")) {
          StoreTool.exportTo(store, out);
          return 0;
        }
        // Written beside the target and moved into place: an export that fails half way never
        // stands where a complete one is expected.
        Path target = Path.of(output);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Writer w;
        try {
          w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IOException("cannot write " + target + " (" + e + ")", e);
        }
        long rows;
        try (w) {
          rows = StoreTool.exportTo(store, w);
        } catch (RuntimeException | IOException e) {
          Files.deleteIfExists(partial);
          throw e;
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        out.println("exported " + rows + " rows from " + store.describe() + " to " + target);
        return 0;
      }
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Read an export into the store, all in one transaction: a bad line leaves the store as it"
            + " was.",
        "The store must be empty unless --replace is given."
      })
  static final class Import extends Action {
    @Option(
        names = "--input",
        paramLabel = "FILE|-",
        defaultValue = "-",
        description = "What to read (default -, standard input).")
    String input;

    @Option(
        names = "--replace",
        description = "Replace what the store holds (in the same transaction as the import).")
    boolean replace;

    @Override
    int run(StoreConfig config, PrintWriter out) throws IOException {
      try (Reader in = open()) {
        try (SqlStore store = Stores.open(config)) {
          long rows = StoreTool.importFrom(in, store, replace);
          out.println("imported " + rows + " rows into " + store.describe());
          return 0;
        }
      }
    }

    private Reader open() throws IOException {
      if (input.equals("-")) {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      }
      return Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
    }
  }
}
