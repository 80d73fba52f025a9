package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cluster.ClusterStatus;
import dev.switchboard.http.cluster.ClusterFigures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterFiguresAdapterTest {
  @Test
  @DisplayName(
      "a node's status crosses HTTP whole: to the API's figures, to JSON, back, and to the same"
          + " status, which prints the same")
  void roundTrip() throws Exception {
    ClusterStatus status =
        new ClusterStatus(
            "a",
            Instant.parse("2026-12-07T15:04:01.120Z"),
            12,
            10,
            3,
            List.of(
                new ClusterStatus.Node(
                    "pekko://switchboard@10.0.0.1:25520", "Up", true, true, 3, 0),
                new ClusterStatus.Node(
                    "pekko://switchboard@10.0.0.2:25520", "Leaving", false, false, 4, 2)),
            new ClusterStatus.Forwarding(
                61, 3, 5, 1, 7, 2, 10, 6400, new ClusterStatus.Latency(40, 80.5, 9.5, 1.25, 6.0)));
    ObjectMapper json = new ObjectMapper();
    String text = json.writeValueAsString(ClusterFiguresAdapter.figures(status));
    ClusterStatus back = ClusterFiguresAdapter.status(json.readValue(text, ClusterFigures.class));
    assertThat(back).isEqualTo(status);
    assertThat(back.render()).isEqualTo(status.render());
  }
}
