package dev.switchboard.app;

import dev.switchboard.hub.stash.Frames;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard stashes resend}: publishes a stash's entries again. Publishing needs the
 * running broker, so this asks the server through its REST API ({@code POST
 * /api/v1/hubs/{hub}/stashes/{name}/resend}) with an API key (see {@code switchboard admins} and
 * the console's keys), rather than opening the store.
 */
@Command(
    name = "resend",
    mixinStandardHelpOptions = true,
    description =
        "Publish entries again through the running server: --seq N (repeat) or --frame 1h,"
            + " to their topic or --topic T, at --rate per second.")
final class StashResend implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The stash.")
  String name;

  @Option(names = "--hub", defaultValue = "default", description = "The hub (default: default).")
  String hub;

  @Option(names = "--seq", paramLabel = "N", description = "An entry's number (repeat for more).")
  List<Long> seqs = new ArrayList<>();

  @Option(names = "--frame", paramLabel = "FRAME", description = "The entries of the last 1h, 1d.")
  String frame;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Publish to this topic instead.")
  String topic;

  @Option(names = "--rate", defaultValue = "0", description = "Messages a second (0: no limit).")
  double rate;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The server's HTTP API (default: http://127.0.0.1 on the configured port).")
  String url;

  @Mixin ConfigOptions options;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "${env:SWITCHBOARD_API_KEY}",
      description = "An API key that may write in the hub (or SWITCHBOARD_API_KEY).")
  String apiKey;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (apiKey == null || apiKey.isBlank()) {
        return Main.fail(
            err, "give an API key: --api-key or SWITCHBOARD_API_KEY", Main.EXIT_CONFIG);
      }
      if (seqs.isEmpty() && frame == null) {
        return Main.fail(err, "give the entries: --seq N or --frame 1h", Main.EXIT_CONFIG);
      }
      if (frame != null) {
        Frames.parse(frame);
      }
      if (url == null) {
        int port = options.load().httpSettings().httpPort();
        if (port <= 0) {
          return Main.fail(err, "the HTTP port is off or any: give --url", Main.EXIT_CONFIG);
        }
        url = "http://127.0.0.1:" + port;
      }
      String body = body();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      url.replaceAll("/+$", "")
                          + "/api/v1/hubs/"
                          + hub
                          + "/stashes/"
                          + name
                          + "/resend"))
              .header("Authorization", "Bearer " + apiKey)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> answer;
      try (HttpClient client =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
        answer = client.send(request, HttpResponse.BodyHandlers.ofString());
      }
      if (answer.statusCode() / 100 != 2) {
        return Main.fail(
            err,
            "the server refused (" + answer.statusCode() + "): " + answer.body(),
            RegistryAction.EXIT_REFUSED);
      }
      out.println(answer.body());
      return 0;
    } catch (ConfigError | IllegalArgumentException e) {
      return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
    } catch (java.io.IOException e) {
      return Main.fail(
          err, "the server at " + url + " cannot be reached: " + e, RegistryAction.EXIT_REFUSED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RegistryAction.EXIT_REFUSED;
    } finally {
      out.flush();
    }
  }

  private String body() {
    StringBuilder b = new StringBuilder("{\"rate\":").append(rate);
    if (!seqs.isEmpty()) {
      b.append(",\"seqs\":").append(seqs);
    }
    if (frame != null) {
      b.append(",\"frame\":\"").append(frame).append('"');
    }
    if (topic != null) {
      b.append(",\"topic\":\"")
          .append(topic.replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return b.append('}').toString();
  }
}
