package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.cluster.ClusterFigures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A cluster node's HTTP server: {@code GET /api/v1/cluster} answers the node's view, the cluster's
 * meters are in {@code /metrics}, and both are read as {@code /metrics} is.
 */
@DisplayName("a cluster node's /api/v1/cluster and its meters in /metrics")
class ClusterTest {
  /** Three members, one of them unreachable, with every figure distinct. */
  static ClusterFigures sample() {
    return sample(61);
  }

  static ClusterFigures sample(long sent) {
    return new ClusterFigures(
        "a",
        "2026-12-07T15:04:01.120Z",
        12,
        10,
        3,
        List.of(
            new ClusterFigures.Member(
                "pekko://switchboard@127.0.0.1:25520", "Up", true, true, 3, 0),
            new ClusterFigures.Member(
                "pekko://switchboard@127.0.0.1:25521", "Up", true, false, 4, 2),
            new ClusterFigures.Member(
                "pekko://switchboard@127.0.0.1:25522", "Up", false, false, 1, 5)),
        new ClusterFigures.Forwarding(
            sent, 3, 5, 1, 7, 2, 10, 6400, new ClusterFigures.Latency(40, 80.0, 9.5, 1.25, 6.0)));
  }

  @Test
  @DisplayName(
      "GET /api/v1/cluster answers the node's view: members with state, reachability, routes and"
          + " queues, sessions here, forwarding figures")
  void view() throws Exception {
    try (ApiFixture api = ApiFixture.withCluster(HttpSettings.loopback(), ClusterTest::sample)) {
      Http.Answer a = api.anonymous().get("/api/v1/cluster"); // from 127.0.0.1
      assertThat(a.status()).isEqualTo(200);
      JsonNode j = a.json();
      assertThat(j.path("nodeName").asText()).isEqualTo("a");
      assertThat(j.path("asOf").asText()).isEqualTo("2026-12-07T15:04:01.120Z");
      assertThat(j.path("sessions").asInt()).isEqualTo(12);
      assertThat(j.path("connected").asInt()).isEqualTo(10);
      assertThat(j.path("localFilters").asInt()).isEqualTo(3);
      assertThat(j.path("nodes")).hasSize(3);
      JsonNode second = j.path("nodes").get(1);
      assertThat(second.path("address").asText()).isEqualTo("pekko://switchboard@127.0.0.1:25521");
      assertThat(second.path("state").asText()).isEqualTo("Up");
      assertThat(second.path("reachable").asBoolean()).isTrue();
      assertThat(second.path("self").asBoolean()).isFalse();
      assertThat(second.path("routes").asInt()).isEqualTo(4);
      assertThat(second.path("queued").asInt()).isEqualTo(2);
      JsonNode f = j.path("forwarding");
      assertThat(f.path("sent").asLong()).isEqualTo(61);
      assertThat(f.path("bytes").asLong()).isEqualTo(6400);
      assertThat(f.path("latency").path("p99Ms").asDouble()).isEqualTo(6.0);
      // the answer is the record as it is: read back, it is the same
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readValue(a.body(), ClusterFigures.class))
          .isEqualTo(sample());
    }
  }

  @Test
  @DisplayName(
      "/metrics has the cluster's figures: members up and unreachable, routes, queue depth,"
          + " forwarded messages, batches, bytes, drops and the acknowledgement timer, read anew"
          + " at each scrape")
  void meters() throws Exception {
    AtomicLong sent = new AtomicLong(61);
    try (ApiFixture api =
        ApiFixture.withCluster(HttpSettings.loopback(), () -> sample(sent.get()))) {
      PrometheusText.Parsed m = PrometheusText.parse(api.anonymous().get("/metrics").body());
      assertThat(m.value("switchboard_cluster_members_up")).isEqualTo(3.0);
      assertThat(m.value("switchboard_cluster_members_unreachable")).isEqualTo(1.0);
      assertThat(m.value("switchboard_cluster_routes_local")).isEqualTo(3.0);
      assertThat(m.value("switchboard_cluster_routes_remote")).isEqualTo(5.0);
      assertThat(m.value("switchboard_cluster_forward_queued")).isEqualTo(7.0);
      assertThat(m.value("switchboard_cluster_forward_messages_total", Map.of("kind", "sent")))
          .isEqualTo(61.0);
      assertThat(m.value("switchboard_cluster_forward_messages_total", Map.of("kind", "resent")))
          .isEqualTo(3.0);
      assertThat(m.value("switchboard_cluster_forward_messages_total", Map.of("kind", "received")))
          .isEqualTo(5.0);
      assertThat(m.value("switchboard_cluster_forward_messages_total", Map.of("kind", "duplicate")))
          .isEqualTo(1.0);
      assertThat(m.value("switchboard_cluster_forward_batches_total")).isEqualTo(10.0);
      assertThat(m.value("switchboard_cluster_forward_bytes_total")).isEqualTo(6400.0);
      assertThat(
              m.value("switchboard_cluster_forward_dropped_total", Map.of("reason", "queue_full")))
          .isEqualTo(7.0);
      assertThat(
              m.value("switchboard_cluster_forward_dropped_total", Map.of("reason", "too_large")))
          .isEqualTo(2.0);
      assertThat(m.value("switchboard_cluster_forward_latency_seconds_count")).isEqualTo(40.0);
      assertThat(m.value("switchboard_cluster_forward_latency_seconds_sum")).isEqualTo(0.08);
      assertThat(m.value("switchboard_cluster_forward_latency_max_seconds")).isEqualTo(0.0095);
      assertThat(
              m.value(
                  "switchboard_cluster_forward_latency_recent_seconds", Map.of("quantile", "0.99")))
          .isEqualTo(0.006);

      sent.set(70);
      PrometheusText.Parsed again = PrometheusText.parse(api.anonymous().get("/metrics").body());
      assertThat(again.value("switchboard_cluster_forward_messages_total", Map.of("kind", "sent")))
          .isEqualTo(70.0);
    }
  }

  @Test
  @DisplayName(
      "with metrics-access = keys, /api/v1/cluster needs a server-wide key (a hub's gets 403);"
          + " a server that is not a cluster node has no such route")
  void whoMayRead() throws Exception {
    try (ApiFixture keysOnly =
        ApiFixture.withCluster(
            HttpSettings.loopback().withMetrics(HttpSettings.MetricsAccess.KEYS),
            ClusterTest::sample)) {
      assertThat(keysOnly.anonymous().get("/api/v1/cluster").status()).isEqualTo(401);
      assertThat(keysOnly.as("team3-owner").get("/api/v1/cluster").status()).isEqualTo(403);
      assertThat(keysOnly.as("server-viewer").get("/api/v1/cluster").status()).isEqualTo(200);
    }
    try (ApiFixture single = ApiFixture.withBroker()) {
      assertThat(single.anonymous().get("/api/v1/cluster").status()).isEqualTo(404);
      assertThat(single.anonymous().get("/api/v1/server").status()).isEqualTo(401);
      assertThat(PrometheusText.parse(single.anonymous().get("/metrics").body()).samples().keySet())
          .noneMatch(s -> s.name().startsWith("switchboard_cluster_"));
    }
  }
}
