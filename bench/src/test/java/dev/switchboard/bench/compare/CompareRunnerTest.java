package dev.switchboard.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.compare.CompareRunner.Comparison;
import dev.switchboard.bench.compare.CompareRunner.Measurement;
import dev.switchboard.bench.compare.CompareRunner.Row;
import dev.switchboard.bench.compare.StandardScenarios.Entry;
import dev.switchboard.bench.compare.StandardScenarios.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's arithmetic and table, and its A B A B runs against real broker processes. */
class CompareRunnerTest {
  @TempDir Path dir;

  /** A launcher under another name that refuses its first {@code failures} starts. */
  private static final class Named implements BrokerLauncher {
    private final String name;
    private final BrokerLauncher delegate;
    private final AtomicInteger failures;
    final AtomicInteger starts = new AtomicInteger();
    final List<Long> pids = Collections.synchronizedList(new ArrayList<>());

    Named(String name, BrokerLauncher delegate, int failures) {
      this.name = name;
      this.delegate = delegate;
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public BrokerProcess start(int port, Path dir) throws IOException, InterruptedException {
      starts.incrementAndGet();
      if (failures.getAndDecrement() > 0) {
        throw new IOException(name + ": port " + port + " was taken");
      }
      BrokerProcess p = delegate.start(port, dir);
      pids.add(p.pid());
      return p;
    }
  }

  private static Entry pairs() {
    Scenario s =
        new Scenario(
            "pairs",
            List.of(new Scenario.PublisherGroup(1, 200, 1, 64, "cmp/t", 16)),
            List.of(new Scenario.SubscriberGroup(1, 1, "cmp/t")),
            0,
            0,
            256,
            Duration.ofSeconds(1),
            Duration.ZERO,
            Duration.ofSeconds(2));
    return new Entry(s, Kind.THROUGHPUT);
  }

  @Test
  void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
    double[] odd = {5, 1, 3};
    assertThat(CompareRunner.median(odd)).isEqualTo(3);
    assertThat(odd).as("the input is left alone").containsExactly(5, 1, 3);
    assertThat(CompareRunner.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(CompareRunner.median(new double[] {7})).isEqualTo(7);
    assertThat(CompareRunner.median(new double[0])).isNaN();
  }

  @Test
  void formatKeepsThreeSignificantPlacesForSmallValuesAndNoneForLarge() {
    assertThat(CompareRunner.format(Double.NaN)).isEqualTo("n/a");
    assertThat(CompareRunner.format(1.23456)).isEqualTo(String.format("%.3f", 1.235));
    assertThat(CompareRunner.format(12.345)).isEqualTo(String.format("%.1f", 12.3));
    assertThat(CompareRunner.format(123_456.7)).isEqualTo(String.format("%,d", 123_457));
  }

  @Test
  void renderShowsBothBrokersTheirMediansAndTheRatioInAlignedColumns() {
    Comparison c =
        new Comparison(
            List.of("mosquitto", "switchboard"),
            List.of(),
            List.of(
                new Row("fan-in", "delivered msg/s", true, 100, 250, 2.5, "90.0-110.0", ""),
                new Row("latency-qos1", "latency p99 ms", false, 2, 1, 0.5, "", ""),
                new Row(
                    "idle-10", "RSS bytes/conn", false, 0, 5000, Double.POSITIVE_INFINITY, "", ""),
                new Row("x", "y", true, Double.NaN, 1, Double.NaN, "", "")));

    String table = CompareRunner.render(c);
    List<String> lines = table.lines().toList();

    assertThat(cells(lines.get(0)))
        .containsExactly(
            "scenario",
            "metric",
            "mosquitto (median, range)",
            "switchboard (median, range)",
            "switchboard/mosquitto");
    assertThat(cells(lines.get(1))).allSatisfy(cell -> assertThat(cell).matches("-+"));
    assertThat(cells(lines.get(2)))
        .containsExactly(
            "fan-in",
            "delivered msg/s",
            String.format("%.1f (90.0-110.0)", 100.0),
            String.format("%.1f", 250.0),
            String.format("%.2fx (hi)", 2.5));
    assertThat(cells(lines.get(3)))
        .containsExactly(
            "latency-qos1",
            "latency p99 ms",
            String.format("%.3f", 2.0),
            String.format("%.3f", 1.0),
            String.format("%.2fx (lo)", 0.5));
    assertThat(cells(lines.get(4))).as("an infinite ratio").endsWith("n/a");
    assertThat(cells(lines.get(5)))
        .as("no median, no ratio")
        .containsExactly("x", "y", "n/a", String.format("%.3f", 1.0), "n/a");
    assertThat(lines.getLast()).startsWith("(hi): higher is better");
    List<String> rows = lines.subList(0, lines.size() - 1);
    assertThat(rows).hasSize(6).allSatisfy(l -> assertThat(l).startsWith("| ").endsWith(" |"));
    assertThat(rows.stream().map(String::length).distinct())
        .as("every row as wide as the others")
        .hasSize(1);
  }

  private static List<String> cells(String line) {
    String inner = line.substring(1, line.length() - 1);
    return java.util.Arrays.stream(inner.split("\\|")).map(String::strip).toList();
  }

  @Test
  void abortedBeforeItStartsItStartsNoBroker() throws Exception {
    Named broker = new Named("a", null, 0);
    CompareRunner runner =
        new CompareRunner(List.of(pairs()), 2, ClientOptions.defaults("c-"), 1, dir, null);
    runner.abort();

    Comparison c = runner.run(List.of(broker));

    assertThat(c.runs()).isEmpty();
    assertThat(c.table()).isEmpty();
    assertThat(broker.starts).hasValue(0);
  }

  @Test
  void aBrokerThatNeverStartsEndsTheComparisonWithItsReasonAfterThreeAttempts() {
    Named broker = new Named("broken", null, Integer.MAX_VALUE);
    CompareRunner runner =
        new CompareRunner(List.of(pairs()), 1, ClientOptions.defaults("c-"), 1, dir, null);

    assertThatThrownBy(() -> runner.run(List.of(broker)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("broken: port")
        .hasMessageContaining("was taken");
    assertThat(broker.starts).hasValue(3);
  }

  @Test
  void fewerThanOneRoundIsRefused() {
    assertThatThrownBy(
            () ->
                new CompareRunner(List.of(pairs()), 0, ClientOptions.defaults("c-"), 1, dir, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--rounds must be at least 1");
  }

  @Test
  void runsEachScenarioAgainstEachBrokerInTurnAFreshProcessEachAndTabulatesMedians()
      throws Exception {
    Optional<Path> mosquitto = MosquittoLauncher.find();
    assumeThat(mosquitto).as("Debian's mosquitto is not installed").isPresent();
    // Two brokers that are both mosquitto, under two names; the first start of "alpha" fails as
    // when its free port is taken before it binds, and is tried again on another.
    Named alpha = new Named("alpha", new MosquittoLauncher(mosquitto.get()), 1);
    Named beta = new Named("beta", new MosquittoLauncher(mosquitto.get()), 0);
    CompareRunner runner =
        new CompareRunner(List.of(pairs()), 2, ClientOptions.defaults("c-"), 2, dir, null);

    Comparison c = runner.run(List.of(alpha, beta));

    assertThat(c.brokers()).containsExactly("alpha", "beta");
    assertThat(c.runs())
        .extracting(Measurement::broker, Measurement::round)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alpha", 1),
            org.assertj.core.groups.Tuple.tuple("beta", 1),
            org.assertj.core.groups.Tuple.tuple("alpha", 2),
            org.assertj.core.groups.Tuple.tuple("beta", 2));
    for (Measurement m : c.runs()) {
      RunResult r = m.result();
      assertThat(r.scenario()).isEqualTo("pairs");
      assertThat(r.connected()).as("%s round %d", m.broker(), m.round()).isEqualTo(2);
      assertThat(r.expected()).isPositive();
      assertThat(r.received()).isEqualTo(r.expected());
    }
    assertThat(alpha.starts)
        .as("one refused start, one for the generator's warm-up, then one per round")
        .hasValue(4);
    List<Long> pids = new ArrayList<>(alpha.pids);
    pids.addAll(beta.pids);
    assertThat(pids)
        .as("a fresh broker process for every run and the warm-up")
        .hasSize(5)
        .doesNotHaveDuplicates();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("broker %d stopped after its run", pid)
          .isFalse();
    }

    Map<String, Row> rows = new java.util.HashMap<>();
    for (Row r : c.table()) {
      assertThat(r.scenario()).isEqualTo("pairs");
      rows.put(r.metric(), r);
    }
    assertThat(rows).containsOnlyKeys("delivered msg/s", "delivered %", "broker CPU µs/msg");
    Row cpu = rows.get("broker CPU µs/msg");
    assertThat(cpu.higherIsBetter()).isFalse();
    assertThat(cpu.first()).as("each broker's CPU per message, from its pid").isPositive();
    assertThat(cpu.first()).isEqualTo(medianOf(c, "alpha", RunResult::cpuMicrosPerDelivery));
    Row rate = rows.get("delivered msg/s");
    assertThat(rate.higherIsBetter()).isTrue();
    assertThat(rate.first()).isEqualTo(medianOf(c, "alpha", RunResult::receivedPerSecond));
    assertThat(rate.second()).isEqualTo(medianOf(c, "beta", RunResult::receivedPerSecond));
    assertThat(rate.ratio()).isEqualTo(rate.second() / rate.first());
    assertThat(rate.firstRange()).contains("-");
    Row delivered = rows.get("delivered %");
    assertThat(delivered.first()).isEqualTo(100.0);
    assertThat(delivered.second()).isEqualTo(100.0);
    assertThat(delivered.ratio()).isEqualTo(1.0);
    assertThat(CompareRunner.render(c)).contains("alpha (median, range)").contains("beta/alpha");
  }

  @Test
  void aPeerThatFailsIsReportedFailedItsProcessKilledAndTheComparisonGoesOn() throws Exception {
    Optional<Path> mosquitto = MosquittoLauncher.find();
    assumeThat(mosquitto).as("Debian's mosquitto is not installed").isPresent();
    // "dies" is killed while its runs go on; "absent" never starts; "measured" does its work.
    Named dies = new Named("dies", new MosquittoLauncher(mosquitto.get()), 0);
    Named absent = new Named("absent", null, Integer.MAX_VALUE);
    Named measured = new Named("measured", new MosquittoLauncher(mosquitto.get()), 0);
    BrokerLauncher killedMidRun =
        new BrokerLauncher() {
          @Override
          public String name() {
            return dies.name();
          }

          @Override
          public BrokerProcess start(int port, Path dir) throws IOException, InterruptedException {
            BrokerProcess p = dies.start(port, dir);
            if (!dir.getFileName().toString().contains("warmup")) {
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          Thread.sleep(300);
                        } catch (InterruptedException e) {
                          return;
                        }
                        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
                      });
            }
            return p;
          }
        };
    CompareRunner runner =
        new CompareRunner(List.of(pairs()), 1, ClientOptions.defaults("c-"), 2, dir, null);

    Comparison c = runner.run(List.of(killedMidRun, absent, measured));

    assertThat(c.brokers()).containsExactly("dies", "absent", "measured");
    assertThat(c.runs())
        .as("the broker measured ran all the same")
        .extracting(Measurement::broker)
        .containsExactly("measured");
    assertThat(c.runs().getFirst().result().received()).isPositive();
    assertThat(c.failures())
        .extracting(CompareRunner.Failure::broker, CompareRunner.Failure::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dies", "exited with code 137"),
            org.assertj.core.groups.Tuple.tuple("absent", "did not start"));
    for (long pid : dies.pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    Row rate =
        c.table().stream().filter(r -> r.metric().equals("delivered msg/s")).findFirst().get();
    assertThat(rate.failures())
        .containsExactly("failed: exited with code 137", "failed: did not start", "");
    assertThat(rate.medians().getLast()).isPositive();
    assertThat(rate.ratios()).hasSize(2).allSatisfy(r -> assertThat(r).isNaN());
    String table = CompareRunner.render(c);
    assertThat(table.lines().toList().getFirst())
        .contains("dies (median, range)")
        .contains("measured/dies")
        .contains("measured/absent");
    assertThat(table).contains("failed: exited with code 137").contains("failed: did not start");
  }

  @Test
  void theBrokerMeasuredFailingStillEndsTheComparison() {
    Named peer = new Named("peer", null, Integer.MAX_VALUE);
    Named measured = new Named("measured", null, Integer.MAX_VALUE);
    CompareRunner runner =
        new CompareRunner(List.of(pairs()), 1, ClientOptions.defaults("c-"), 1, dir, null);

    assertThatThrownBy(() -> runner.run(List.of(peer, measured)))
        .isInstanceOf(BrokerFailure.class)
        .hasMessageContaining("measured: port");
    assertThat(peer.starts)
        .as("the peer failed its warm-up; the measured broker is next")
        .hasValue(3);
  }

  private static double medianOf(
      Comparison c, String broker, java.util.function.ToDoubleFunction<RunResult> f) {
    return CompareRunner.median(
        c.runs().stream()
            .filter(m -> m.broker().equals(broker))
            .mapToDouble(m -> f.applyAsDouble(m.result()))
            .toArray());
  }
}
