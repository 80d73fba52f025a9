package dev.switchboard.app;

import dev.switchboard.cluster.ClusterNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard cluster status}: the cluster as the node running on this machine (with this
 * data directory) sees it, from the status file that node writes every two seconds: members, their
 * state, whether it reaches them, the routes it knows of each, what waits to be forwarded.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "The cluster, as seen by the node running with this data directory.",
    subcommands = {ClusterCommand.Status.class})
public final class ClusterCommand implements Callable<Integer> {
  /** The file a cluster node writes its status to, in its data directory. */
  static final String STATUS_FILE = "cluster-status.txt";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** {@code switchboard cluster status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Members, their state, reachability, routes and queues, as the local node sees them.")
  static final class Status implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path file;
      try {
        file = options.load().dataDir().resolve(STATUS_FILE);
      } catch (ConfigError e) {
        return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
      }
      try {
        Instant written = Files.getLastModifiedTime(file).toInstant();
        out.print(Files.readString(file));
        Duration age = Duration.between(written, Instant.now());
        if (age.compareTo(ClusterNode.STATUS_EVERY.multipliedBy(5)) > 0) {
          out.println(
              "(written " + age.toSeconds() + " s ago: the node may have stopped or be stuck)");
        }
        out.flush();
        return 0;
      } catch (NoSuchFileException e) {
        return Main.fail(
            err,
            "no cluster node is running with data directory "
                + file.getParent()
                + " (it writes "
                + STATUS_FILE
                + " there while it runs)",
            1);
      } catch (IOException e) {
        return Main.fail(err, file + " cannot be read: " + e.getMessage(), 1);
      }
    }
  }
}
