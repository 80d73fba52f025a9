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
        Double.NaN,
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

  @Test
  void aRunWithTheBrokersCpuTimeReportsItPerDeliveredMessage() {
    RunResult r = result(20, 20, 20, 1, 1000);
    RunResult withCpu =
        new RunResult(
            r.scenario(),
            r.url(),
            r.connections(),
            r.connected(),
            r.connectFailed(),
            r.connectionsLost(),
            r.connectSeconds(),
            r.connectRate(),
            r.connectP50Ms(),
            r.connectP99Ms(),
            2,
            r.sent(),
            r.received(),
            r.expected(),
            r.sentPerSecond(),
            1000,
            r.deliveredRatio(),
            r.latencyP50Ms(),
            r.latencyP90Ms(),
            r.latencyP99Ms(),
            r.latencyP999Ms(),
            r.latencyMaxMs(),
            r.rssBeforeKb(),
            r.rssAfterKb(),
            r.rssPerConnectionBytes(),
            0.5,
            0,
            Map.of());

    // 0.5 s of CPU for 2,000 messages in 2 s
    assertThat(withCpu.cpuMicrosPerDelivery()).isEqualTo(250.0);
    assertThat(withCpu.summary()).contains("broker CPU   0.50 s over 2.0 s (25% of a core)");
    assertThat(r.summary()).doesNotContain("broker CPU");
  }

  @Test
  void theCpuTimeOfALiveProcessGrowsAndOfNoProcessIsNaN() {
    long me = ProcessHandle.current().pid();
    double before = BrokerCpu.seconds(me);
    long spin = System.nanoTime() + 50_000_000;
    long x = 0;
    while (System.nanoTime() < spin) {
      x += System.nanoTime() % 7;
    }
    assertThat(x).isPositive();
    assertThat(BrokerCpu.seconds(me)).isGreaterThan(before);
    assertThat(BrokerCpu.seconds(0)).isNaN();
  }
}
