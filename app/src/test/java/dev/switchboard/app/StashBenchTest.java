package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard bench stash} and {@code bench myqtthub}: short runs of the commands. */
@DisplayName("bench stash and bench myqtthub: what stashing and the device API cost")
class StashBenchTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  @DisplayName(
      "a short fan-in at a fixed rate runs each variant, delivers every message, and the stash on"
          + " '#' stores every message sent, the one on half some, none without a stash")
  void aShortRunOfBenchStash() throws Exception {
    Path json = dir.resolve("stash.json");
    Run r =
        run(
            "bench",
            "stash",
            "--publishers",
            "2",
            "--rate",
            "50",
            "--rounds",
            "1",
            "--duration",
            "1",
            "--warmup",
            "0",
            "--threads",
            "1",
            "--json",
            json.toString());

    assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    assertThat(r.out()).contains("no stash", "stash on #", "stash on half", "entries stored");
    JsonNode runs = new ObjectMapper().readTree(json.toFile()).get("runs");
    assertThat(runs).hasSize(3);
    for (JsonNode run : runs) {
      JsonNode result = run.get("result").get("result");
      long sent = result.get("sent").asLong();
      long stored = run.get("result").get("stored").asLong();
      assertThat(result.get("connected").asLong()).as(run.toString()).isEqualTo(3);
      assertThat(result.get("errors").asLong()).isZero();
      assertThat(sent).as(run.toString()).isPositive();
      assertThat(result.get("deliveredRatio").asDouble()).as(run.toString()).isEqualTo(1.0);
      switch (run.get("variant").asText()) {
        case "none" -> assertThat(stored).as(run.toString()).isZero();
        case "all" -> assertThat(stored).as(run.toString()).isEqualTo(sent);
        case "half" -> assertThat(stored).as(run.toString()).isPositive().isLessThan(sent);
        default -> throw new AssertionError(run.toString());
      }
    }
  }

  @Test
  @DisplayName(
      "a short device-API run logs every client in, and every message published is pulled back")
  void aShortRunOfBenchMyqtthub() throws Exception {
    Path json = dir.resolve("myqtthub.json");
    Run r =
        run(
            "bench",
            "myqtthub",
            "--clients",
            "3",
            "--qos",
            "0,1",
            "--rounds",
            "1",
            "--duration",
            "1",
            "--warmup",
            "0",
            "--json",
            json.toString());

    assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    assertThat(r.out()).contains("QoS 0", "QoS 1", "round trips/s");
    JsonNode runs = new ObjectMapper().readTree(json.toFile()).get("runs");
    assertThat(runs).hasSize(2);
    for (JsonNode run : runs) {
      JsonNode result = run.get("result");
      assertThat(result.get("loggedIn").asLong()).as(run.toString()).isEqualTo(3);
      assertThat(result.get("errors").asLong()).as(run.toString()).isZero();
      assertThat(result.get("published").asLong()).as(run.toString()).isPositive();
      assertThat(result.get("pulledBack").asLong())
          .as(run.toString())
          .isEqualTo(result.get("published").asLong());
    }
  }

  @Test
  @DisplayName("bad settings are refused with one line and exit code 2, before anything starts")
  void badSettings() {
    List<String[]> cases =
        List.of(
            new String[] {"stash", "--publishers", "3"},
            new String[] {"stash", "--qos", "3"},
            new String[] {"stash", "--store", "mysql://x/y"},
            new String[] {"stash", "--warmup", "20", "--duration", "10"},
            new String[] {"myqtthub", "--clients", "0"},
            new String[] {"myqtthub", "--qos", "0,5"});
    for (String[] args : cases) {
      List<String> argv = new ArrayList<>(List.of("bench"));
      argv.addAll(List.of(args));
      Run r = run(argv.toArray(new String[0]));
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).startsWith("switchboard bench " + args[0] + ": ").hasLineCount(1);
    }
  }
}
