package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard bench cluster} at a tiny size: three node JVMs, a few convergence rounds, one
 * QoS 1 rate on one node and across two, and a failover with a short {@code stable-after}. It
 * checks that every figure is there and every message arrived, never a time.
 */
class ClusterBenchTest {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "a short run reports route convergence, same- and cross-node latency with every message"
          + " delivered, bytes per forwarded message, memory per node and a failover")
  void aShortRun() throws Exception {
    Path json = dir.resolve("cluster.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit =
        cmd.execute(
            "bench",
            "cluster",
            "--rates",
            "200",
            "--qos",
            "1",
            "--publishers",
            "2",
            "--duration",
            "2",
            "--warmup",
            "1",
            "--convergence-rounds",
            "3",
            "--convergence-warmup",
            "1",
            "--stable-after",
            "2",
            "--threads",
            "1",
            "--json",
            json.toString());
    System.out.print(out);
    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    assertThat(out.toString())
        .contains("route convergence", "QoS 1 at 200 msg/s", "resident memory", "failover");

    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertThat(r.path("nodes").asInt()).isEqualTo(3);
    assertThat(r.path("convergenceMs"))
        .hasSize(3)
        .allSatisfy(m -> assertThat(m.asDouble()).isPositive());
    assertThat(r.path("convergenceWarmupMs"))
        .hasSize(1)
        .allSatisfy(m -> assertThat(m.asDouble()).isPositive());
    assertThat(r.path("latency")).hasSize(2);
    for (JsonNode run : r.path("latency")) {
      JsonNode result = run.path("result");
      assertThat(result.path("deliveredRatio").asDouble()).as(run.toString()).isEqualTo(1.0);
      assertThat(result.path("errors").asLong()).as(run.toString()).isZero();
      assertThat(result.path("received").asLong()).as(run.toString()).isPositive();
    }
    assertThat(r.at("/latency/0/placement").asText()).isEqualTo("same-node");
    JsonNode cross = r.at("/latency/1");
    assertThat(cross.path("placement").asText()).isEqualTo("cross-node");
    assertThat(cross.path("bytesPerForwardedMessage").asDouble())
        .as("a 64-byte payload and its topic, at least")
        .isGreaterThan(64);
    assertThat(cross.path("messagesPerBatch").asDouble()).isGreaterThanOrEqualTo(1);
    for (String field : List.of("rssIdleKb", "rssAfterKb")) {
      assertThat(r.path(field)).hasSize(3).allSatisfy(kb -> assertThat(kb.asLong()).isPositive());
    }
    JsonNode failover = r.path("failover");
    assertThat(failover.path("killedNode").asInt()).isEqualTo(2);
    assertThat(failover.path("connectAttempts").asInt()).isPositive();
    assertThat(failover.path("receivingAgainMs").asDouble())
        .isGreaterThanOrEqualTo(failover.path("reconnectedMs").asDouble());
    assertThat(r.path("failures")).isEmpty();
  }

  @Test
  @DisplayName("bad options are refused with one line naming them, before any node starts")
  void badOptions() {
    for (List<String> bad :
        List.of(
            List.of("--convergence-rounds", "0"),
            List.of("--convergence-warmup", "-1"),
            List.of("--rates", "0"),
            List.of("--qos", "3"),
            List.of("--duration", "2", "--warmup", "2"))) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      var cmd = Main.commandLine();
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      List<String> args = new java.util.ArrayList<>(List.of("bench", "cluster"));
      args.addAll(bad);
      int exit = cmd.execute(args.toArray(String[]::new));
      assertThat(exit).as(bad.toString()).isEqualTo(Main.EXIT_CONFIG);
      assertThat(err.toString())
          .as(bad.toString())
          .startsWith("switchboard bench cluster: ")
          .contains(bad.get(bad.size() - 2).equals("--warmup") ? "--warmup" : bad.get(0))
          .hasLineCount(1);
      assertThat(out.toString()).as(bad.toString()).doesNotContain("nodes formed");
    }
  }
}
