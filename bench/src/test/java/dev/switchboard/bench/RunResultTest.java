package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary printed at the end of a run says what kind of run it was. */
class RunResultTest {

  private static RunResult result(
      long sent, long received, long expected, double ratio, long rssBeforeKb) {
    return new RunResult(
        "s",
        "mqtt://127.0.0.1:1883",
        4,
        4,
        0,
        0,
        0.5,
        8,
        1,
        2,
        2,
        sent,
        received,
        expected,
        10,
        10,
        ratio,
        1,
        2,
        3,
        4,
        5,
        rssBeforeKb,
        rssBeforeKb + 400,
        102.4,
        0,
        Map.of());
  }

  @Test
  void aRunWithPublishersReportsDeliveredOfExpected() {
    String s = result(20, 15, 20, 0.75, 0).summary();

    assertThat(s)
        .contains("== s against mqtt://127.0.0.1:1883")
        .contains("4 of 4 up")
        .contains("delivered 15 of 20 expected (" + String.format("%.2f", 75.0) + "%)")
        .contains("latency ms")
        .doesNotContain("broker RSS");
  }

  @Test
  void aRunOfSubscribersOnlyReportsWhatArrivedWithoutAnExpectation() {
    String s = result(0, 42, 0, Double.NaN, 0).summary();

    assertThat(s).contains("42 received in all").contains("latency ms");
    assertThat(s).doesNotContain("expected").doesNotContain("NaN%");
  }

  @Test
  void aRunWithoutMessagesReportsConnectionsAndWithAPidTheMemoryPerConnection() {
    String s = result(0, 0, 0, 1, 1000).summary();

    assertThat(s).doesNotContain("messages").doesNotContain("latency ms");
    assertThat(s).contains("bytes per connection").contains("errors       0");
  }
}
