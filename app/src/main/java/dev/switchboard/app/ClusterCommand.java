package dev.switchboard.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.http.cluster.ClusterFigures;
import dev.switchboard.http.cluster.ClusterRoutes;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard cluster status}: the cluster as one node sees it (members, their state,
 * whether it reaches them, the routes it knows of each, what waits to be forwarded, the sessions it
 * holds, what forwarding did): the node running on this machine with this data directory, from the
 * status file it writes every two seconds, or any node asked over its HTTP API ({@code --url}).
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
      description = {
        "Members, their state, reachability, routes and queues, sessions and forwarding figures, as"
            + " one node sees them.",
        "Without --url: the node running on this machine with this data directory (the status file"
            + " it writes every 2 s). With --url: any node, asked over its HTTP API"
            + " (GET /api/v1/cluster), which answers as /metrics does: requests from its own"
            + " machine, or with a server-wide API key (--api-key or SWITCHBOARD_API_KEY)."
      })
  static final class Status implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions options;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description = "A node's HTTP API, e.g. http://10.0.0.2:8080 (any node of the cluster).")
    String url;

    @Option(
        names = "--api-key",
        paramLabel = "TOKEN",
        description =
            "A server-wide API key for --url (default: the SWITCHBOARD_API_KEY environment"
                + " variable); not needed from the node's own machine by default.")
    String apiKey;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (url != null) {
        return fromNode(out, err);
      }
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
                + " there while it runs); --url asks a node over HTTP",
            1);
      } catch (IOException e) {
        return Main.fail(err, file + " cannot be read: " + e.getMessage(), 1);
      }
    }

    /** Asks the node at {@link #url} for its view and prints it as the status file would be. */
    private int fromNode(PrintWriter out, PrintWriter err) {
      URI uri;
      try {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        uri = URI.create(base + ClusterRoutes.PATH);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
          throw new IllegalArgumentException("not http or https");
        }
      } catch (IllegalArgumentException e) {
        return Main.fail(err, "--url " + url + " is not an HTTP URL: " + e.getMessage(), 2);
      }
      String key = apiKey != null ? apiKey : System.getenv("SWITCHBOARD_API_KEY");
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
      if (key != null && !key.isBlank()) {
        request.header("Authorization", "Bearer " + key.strip());
      }
      HttpResponse<String> answer;
      try (HttpClient client =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
        answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        return Main.fail(err, uri + " cannot be reached: " + e, 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Main.fail(err, uri + ": interrupted", 1);
      }
      switch (answer.statusCode()) {
        case 200 -> {}
        case 401, 403 -> {
          return Main.fail(
              err,
              uri
                  + " answered "
                  + answer.statusCode()
                  + ": it needs a server-wide API key (--api-key or SWITCHBOARD_API_KEY) from"
                  + " another machine",
              1);
        }
        case 404 -> {
          return Main.fail(err, uri + " answered 404: that server is not a cluster node", 1);
        }
        default -> {
          return Main.fail(err, uri + " answered " + answer.statusCode(), 1);
        }
      }
      try {
        ClusterFigures figures =
            new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(answer.body(), ClusterFigures.class);
        out.print(ClusterFiguresAdapter.status(figures).render());
        out.flush();
        return 0;
      } catch (IOException | RuntimeException e) {
        return Main.fail(err, uri + " did not answer a cluster's status: " + e.getMessage(), 1);
      }
    }
  }
}
