package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.registry.model.AdminRole;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code switchboard bench http} against a server started as {@code start} starts it, HTTP on a
 * free port: every REST publish reaches every stream, and the summary says so.
 */
class HttpBenchCommandTest {
  @TempDir Path dir;

  @Test
  void everyPublishReachesEveryStreamAndTheSummaryCountsThem() throws Exception {
    Map<String, Object> o = new HashMap<>();
    o.put("data-dir", dir.resolve("data").toString());
    o.put("listeners.bind", "127.0.0.1");
    o.put("listeners.mqtt.port", 0);
    o.put("listeners.mqtts.port", "off");
    o.put("listeners.ws.port", "off");
    o.put("listeners.wss.port", "off");
    o.put("http.port", 0);
    o.put("http.https-port", "off");
    o.put("store.durability", "none");
    o.put("sys.interval", "0");
    SwitchboardConfig config = SwitchboardConfig.load(null, Map.of(), o);
    try (HubServer server = HubServer.start(config)) {
      String token =
          new ApiKeys(server.access.registry(), Clock.systemUTC())
              .issue(null, AdminRole.ADMIN, "bench", 0, "test")
              .token();
      StringWriter text = new StringWriter();
      int code =
          new CommandLine(new HttpBenchCommand())
              .setOut(new PrintWriter(text))
              .setErr(new PrintWriter(text))
              .execute(
                  "--url",
                  "http://127.0.0.1:" + server.http.httpPort(),
                  "--token",
                  token,
                  "--streams",
                  "3",
                  "--rate",
                  "50",
                  "-d",
                  "2");
      assertThat(code).as(text.toString()).isZero();
      Matcher m =
          Pattern.compile(
                  "streams 3, published (\\d+) \\(0 errors\\), expected deliveries (\\d+), received"
                      + " (\\d+), reported dropped 0, unaccounted 0")
              .matcher(text.toString());
      assertThat(m.find()).as(text.toString()).isTrue();
      long published = Long.parseLong(m.group(1));
      assertThat(published).isPositive();
      assertThat(Long.parseLong(m.group(3))).isEqualTo(published * 3);
      assertThat(text.toString()).contains("3 streams open").contains("latency publish request");
    }
  }
}
