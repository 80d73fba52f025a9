package dev.switchboard.bench.compare;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.ScenarioRunner;
import dev.switchboard.bench.compare.StandardScenarios.Entry;
import dev.switchboard.bench.compare.StandardScenarios.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Runs each scenario against each broker in turn (A B A B ...), a fresh broker process for every
 * run, so that neither gets the other's warm caches or leftovers, and sums the runs up as a table
 * of medians.
 */
public final class CompareRunner {

  /** One run of one scenario against one broker. */
  public record Measurement(String scenario, String broker, int round, RunResult result) {}

  /** One line of the table: a metric's median for each broker and their ratio (second / first). */
  public record Row(
      String scenario,
      String metric,
      boolean higherIsBetter,
      double first,
      double second,
      double ratio,
      String firstRange,
      String secondRange) {}

  /** Everything {@code bench compare} measured. */
  public record Comparison(List<String> brokers, List<Measurement> runs, List<Row> table) {}

  private final List<Entry> entries;
  private final int rounds;
  private final ClientOptions client;
  private final int threads;
  private final Path workDir;
  private final PrintStream progress;
  private volatile ScenarioRunner current;
  private volatile boolean aborted;

  public CompareRunner(
      List<Entry> entries,
      int rounds,
      ClientOptions client,
      int threads,
      Path workDir,
      PrintStream progress) {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    this.entries = List.copyOf(entries);
    this.rounds = rounds;
    this.client = client;
    this.threads = threads;
    this.workDir = workDir;
    this.progress = progress;
  }

  /** Ends the comparison after the current run (any thread). */
  public void abort() {
    aborted = true;
    ScenarioRunner r = current;
    if (r != null) {
      r.stop();
    }
  }

  public Comparison run(List<BrokerLauncher> brokers) throws IOException, InterruptedException {
    List<Measurement> runs = new ArrayList<>();
    int runNumber = 0;
    // The generator is a JVM too: its first seconds run colder code than the rest. One unrecorded
    // run first, so that the first broker measured does not pay for the generator's warm-up.
    if (!aborted && !brokers.isEmpty()) {
      BrokerLauncher first = brokers.get(0);
      if (progress != null) {
        progress.println("warming up the generator against " + first.name() + " (not recorded)");
      }
      try (BrokerProcess p = start(first, workDir.resolve("000-warmup-" + first.name()))) {
        runUnrecorded(p, StandardScenarios.generatorWarmup(), "w-");
      }
    }
    for (Entry entry : entries) {
      for (int round = 1; round <= rounds && !aborted; round++) {
        for (BrokerLauncher broker : brokers) {
          if (aborted) {
            break;
          }
          runNumber++;
          Path dir =
              workDir.resolve(
                  String.format("%03d-%s-%s", runNumber, entry.scenario().name(), broker.name()));
          try (BrokerProcess p = start(broker, dir)) {
            if (entry.kind() == Kind.CONNECTIONS) {
              // A connection storm on a broker that has never seen a connection measures its
              // start-up (for a JVM, the interpreter) as much as the broker: each broker gets a
              // smaller storm first, on the same process. Memory is measured from after it.
              runUnrecorded(
                  p,
                  StandardScenarios.connectionWarmup(entry.scenario().idle()),
                  "cw" + runNumber + "-");
            }
            ScenarioRunner runner =
                new ScenarioRunner(
                    Endpoint.tcp("127.0.0.1", p.port()),
                    client.withPrefix(client.clientIdPrefix() + runNumber + "-"),
                    threads,
                    p.pid(),
                    null);
            current = runner;
            RunResult result = runner.run(entry.scenario());
            current = null;
            if (!p.isAlive()) {
              throw new IOException(
                  broker.name() + " died during " + entry.scenario().name() + ": " + p.logTail());
            }
            runs.add(new Measurement(entry.scenario().name(), broker.name(), round, result));
            if (progress != null) {
              progress.println(
                  String.format(
                      "%-16s round %d/%d %-12s %s",
                      entry.scenario().name(),
                      round,
                      rounds,
                      broker.name(),
                      headline(entry.kind(), result)));
            }
          }
        }
      }
    }
    List<String> names = brokers.stream().map(BrokerLauncher::name).toList();
    return new Comparison(names, runs, table(names, runs));
  }

  private void runUnrecorded(BrokerProcess p, Scenario scenario, String prefix)
      throws IOException, InterruptedException {
    ScenarioRunner runner =
        new ScenarioRunner(
            Endpoint.tcp("127.0.0.1", p.port()),
            client.withPrefix(client.clientIdPrefix() + prefix),
            threads,
            0,
            null);
    current = runner;
    runner.run(scenario);
    current = null;
    if (!p.isAlive()) {
      throw new IOException(p.name() + " died during a warm-up: " + p.logTail());
    }
  }

  /** Attempts to start a broker before giving up. */
  private static final int START_ATTEMPTS = 3;

  /**
   * Starts {@code broker} on a free port. A port found free can be taken by someone else before the
   * broker binds it (any process's outgoing connection may get it as its ephemeral port), so a
   * failed start is tried again on another port before the comparison gives up.
   */
  private static BrokerProcess start(BrokerLauncher broker, Path dir)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return broker.start(
            BrokerLauncher.freePort(),
            attempt == 1 ? dir : dir.resolveSibling(dir.getFileName() + "-" + attempt));
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static String headline(Kind kind, RunResult r) {
    String errors =
        r.errors() == 0 ? "" : String.format(", %,d errors %s", r.errors(), r.errorCounts());
    return switch (kind) {
      case THROUGHPUT ->
          String.format(
              "%,.0f msg/s delivered (%.2f%% of expected)%s",
              r.receivedPerSecond(), r.deliveredRatio() * 100, errors);
      case LATENCY ->
          String.format(
              "p50 %.3f p99 %.3f p99.9 %.3f ms, %,.0f msg/s (%.2f%%)%s",
              r.latencyP50Ms(),
              r.latencyP99Ms(),
              r.latencyP999Ms(),
              r.receivedPerSecond(),
              r.deliveredRatio() * 100,
              errors);
      case CONNECTIONS ->
          String.format(
              "%,d connected at %,.0f/s, %,.0f B/connection RSS%s",
              r.connected(), r.connectRate(), r.rssPerConnectionBytes(), errors);
    };
  }

  private List<Row> table(List<String> brokers, List<Measurement> runs) {
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) {
      String s = e.scenario().name();
      switch (e.kind()) {
        case THROUGHPUT -> {
          rows.add(row(brokers, runs, s, "delivered msg/s", true, RunResult::receivedPerSecond));
          rows.add(row(brokers, runs, s, "delivered %", true, r -> r.deliveredRatio() * 100));
        }
        case LATENCY -> {
          rows.add(row(brokers, runs, s, "latency p50 ms", false, RunResult::latencyP50Ms));
          rows.add(row(brokers, runs, s, "latency p99 ms", false, RunResult::latencyP99Ms));
          rows.add(row(brokers, runs, s, "latency p99.9 ms", false, RunResult::latencyP999Ms));
        }
        case CONNECTIONS -> {
          rows.add(row(brokers, runs, s, "connects/s", true, RunResult::connectRate));
          rows.add(
              row(brokers, runs, s, "RSS bytes/conn", false, RunResult::rssPerConnectionBytes));
        }
      }
    }
    rows.removeIf(r -> r == null);
    return rows;
  }

  private static Row row(
      List<String> brokers,
      List<Measurement> runs,
      String scenario,
      String metric,
      boolean higherIsBetter,
      ToDoubleFunction<RunResult> f) {
    double[] a = values(runs, scenario, brokers.get(0), f);
    double[] b = brokers.size() > 1 ? values(runs, scenario, brokers.get(1), f) : new double[0];
    if (a.length == 0 && b.length == 0) {
      return null;
    }
    double ma = median(a);
    double mb = median(b);
    return new Row(scenario, metric, higherIsBetter, ma, mb, mb / ma, range(a), range(b));
  }

  private static double[] values(
      List<Measurement> runs, String scenario, String broker, ToDoubleFunction<RunResult> f) {
    return runs.stream()
        .filter(m -> m.scenario().equals(scenario) && m.broker().equals(broker))
        .mapToDouble(m -> f.applyAsDouble(m.result()))
        .toArray();
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  private static String range(double[] v) {
    if (v.length < 2) {
      return "";
    }
    double min = Arrays.stream(v).min().orElse(Double.NaN);
    double max = Arrays.stream(v).max().orElse(Double.NaN);
    return format(min) + "-" + format(max);
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 1000) {
      return String.format("%,.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.3f", v);
  }

  /**
   * The comparison as a fixed-width table (also valid Markdown): every column as wide as its widest
   * cell, so broker names of any length line up.
   */
  public static String render(Comparison c) {
    String a = c.brokers().get(0);
    String b = c.brokers().size() > 1 ? c.brokers().get(1) : "-";
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "scenario", "metric", a + " (median, range)", b + " (median, range)", b + "/" + a
        });
    for (Row r : c.table()) {
      lines.add(
          new String[] {
            r.scenario(),
            r.metric(),
            cell(r.first(), r.firstRange()),
            cell(r.second(), r.secondRange()),
            Double.isNaN(r.ratio()) || Double.isInfinite(r.ratio())
                ? "n/a"
                : String.format("%.2fx %s", r.ratio(), r.higherIsBetter() ? "(hi)" : "(lo)")
          });
    }
    int[] width = new int[5];
    for (String[] line : lines) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    String[] rule = new String[width.length];
    for (int i = 0; i < width.length; i++) {
      rule[i] = "-".repeat(width[i]);
    }
    lines.add(1, rule);
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      out.append('|');
      for (int i = 0; i < width.length; i++) {
        out.append(' ')
            .append(line[i])
            .append(" ".repeat(width[i] - line[i].length()))
            .append(" |");
      }
      out.append('\n');
    }
    out.append("(hi): higher is better; (lo): lower is better.\n");
    return out.toString();
  }

  private static String cell(double median, String range) {
    return range.isEmpty() ? format(median) : format(median) + " (" + range + ")";
  }
}
