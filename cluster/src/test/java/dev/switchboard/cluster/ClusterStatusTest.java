package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {
  static ClusterStatus sample() {
    return new ClusterStatus(
        "a",
        Instant.parse("2026-12-07T15:04:01.120Z"),
        12,
        10,
        3,
        List.of(
            new ClusterStatus.Node("pekko://switchboard@127.0.0.1:25520", "Up", true, true, 3, 0),
            new ClusterStatus.Node("pekko://switchboard@127.0.0.1:25521", "Up", true, false, 4, 2),
            new ClusterStatus.Node(
                "pekko://switchboard@127.0.0.1:25522", "Leaving", false, false, 1, 5)),
        new ClusterStatus.Forwarding(
            61, 3, 5, 1, 0, 2, 10, 6400, new ClusterStatus.Latency(40, 80.0, 9.5, 1.25, 6.0)));
  }

  @Test
  @DisplayName(
      "members up and unreachable, the other nodes' routes and what waits are summed from the"
          + " members; bytes per message over first sendings and resends")
  void sums() {
    ClusterStatus s = sample();
    assertThat(s.membersUp()).isEqualTo(2);
    assertThat(s.membersUnreachable()).isEqualTo(1);
    assertThat(s.remoteRoutes()).isEqualTo(5);
    assertThat(s.queued()).isEqualTo(7);
    assertThat(s.forwarding().bytesPerMessage()).isEqualTo(100.0);
  }

  @Test
  @DisplayName(
      "rendered as switchboard cluster status prints it: one line per member, then figures")
  void render() {
    String text = sample().render();
    assertThat(text.lines().toList())
        .startsWith(
            "node a, as of 2026-12-07T15:04:01.120Z",
            "MEMBER                                           STATE    REACHABLE  ROUTES  QUEUED",
            "pekko://switchboard@127.0.0.1:25520 (this node)  Up       yes             3       -",
            "pekko://switchboard@127.0.0.1:25521              Up       yes             4       2",
            "pekko://switchboard@127.0.0.1:25522              Leaving  NO              1       5",
            "sessions here: 12 (10 connected)",
            "forwarding: sent 61, sent again 3, received 5, duplicates 1, dropped (queue full) 0,"
                + " dropped (too large) 2",
            "forwarded: 10 batches, 6400 bytes (100.0 a message); acknowledged: 40, p50 1.25 ms,"
                + " p99 6.00 ms (last 1 to 2 minutes), max 9.50 ms");
  }
}
