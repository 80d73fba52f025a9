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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Runs each scenario against each broker in turn (A B A B ...), a fresh broker process for every
 * run, so that neither gets the other's warm caches or leftovers, and sums the runs up as a table
 * of medians.
 *
 * <p>The last broker is the one measured; every broker before it is a peer it is compared with. A
 * run that a peer fails (it does not start, dies, delivers nothing or does not finish in time) is
 * recorded as a {@link Failure}, the peer's process is killed, and the comparison goes on; a
 * failure of the broker measured ends the comparison, as there is nothing left to compare.
 */
public final class CompareRunner {

  /** One run of one scenario against one broker. */
  public record Measurement(String scenario, String broker, int round, RunResult result) {}

  /** A run that a peer failed, and why in a few words (e.g. "out of memory"). */
  public record Failure(String scenario, String broker, int round, String reason) {}

  /**
   * One line of the table: a metric's median and range for each broker (NaN and "" where it has no
   * successful run), what went wrong for each ("" if nothing), and for each peer the ratio of the
   * broker measured (the last) to that peer.
   */
  public record Row(
      String scenario,
      String metric,
      boolean higherIsBetter,
      List<Double> medians,
      List<String> ranges,
      List<String> failures,
      List<Double> ratios) {
    public Row {
      medians = List.copyOf(medians);
      ranges = List.copyOf(ranges);
      failures = List.copyOf(failures);
      ratios = List.copyOf(ratios);
    }

    /** A row of two brokers that both ran: a peer (first) and the broker measured (second). */
    public Row(
        String scenario,
        String metric,
        boolean higherIsBetter,
        double first,
        double second,
        double ratio,
        String firstRange,
        String secondRange) {
      this(
          scenario,
          metric,
          higherIsBetter,
          List.of(first, second),
          List.of(firstRange, secondRange),
          List.of("", ""),
          List.of(ratio));
    }

    public double first() {
      return medians.get(0);
    }

    public double second() {
      return medians.size() > 1 ? medians.get(1) : Double.NaN;
    }

    /** The broker measured over the first peer. */
    public double ratio() {
      return ratios.isEmpty() ? Double.NaN : ratios.get(0);
    }

    public String firstRange() {
      return ranges.get(0);
    }

    public String secondRange() {
      return ranges.size() > 1 ? ranges.get(1) : "";
    }
  }

  /** Everything {@code bench compare} measured. */
  public record Comparison(
      List<String> brokers, List<Measurement> runs, List<Failure> failures, List<Row> table) {
    public Comparison(List<String> brokers, List<Measurement> runs, List<Row> table) {
      this(brokers, runs, List.of(), table);
    }
  }

  /**
   * How long a peer's run may take beyond its scenario's own time (connecting 19,000 clients
   * included) before it counts as timed out.
   */
  private static final Duration RUN_ALLOWANCE = Duration.ofSeconds(120);

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

  /**
   * Runs every scenario against every broker.
   *
   * @param brokers the peers, then the broker measured (last)
   */
  public Comparison run(List<BrokerLauncher> brokers) throws IOException, InterruptedException {
    List<Measurement> runs = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    BrokerLauncher measured = brokers.isEmpty() ? null : brokers.getLast();
    warmUpGenerator(brokers, measured);
    int runNumber = 0;
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
          String name = entry.scenario().name();
          try {
            RunResult result = measure(broker, broker != measured, entry, runNumber, dir);
            runs.add(new Measurement(name, broker.name(), round, result));
            report(name, round, broker, headline(entry.kind(), result));
          } catch (BrokerFailure e) {
            if (broker == measured) {
              throw e;
            }
            failures.add(new Failure(name, broker.name(), round, e.reason()));
            report(name, round, broker, "failed: " + e.reason());
          }
        }
      }
    }
    List<String> names = brokers.stream().map(BrokerLauncher::name).toList();
    return new Comparison(names, runs, failures, table(names, runs, failures));
  }

  /**
   * The generator is a JVM too: its first seconds run colder code than the rest. One unrecorded run
   * first, so that the first broker measured does not pay for the generator's warm-up; against the
   * next broker if a peer fails it.
   */
  private void warmUpGenerator(List<BrokerLauncher> brokers, BrokerLauncher measured)
      throws IOException, InterruptedException {
    for (BrokerLauncher broker : brokers) {
      if (aborted) {
        return;
      }
      if (progress != null) {
        progress.println("warming up the generator against " + broker.name() + " (not recorded)");
      }
      try (BrokerProcess p = start(broker, workDir.resolve("000-warmup-" + broker.name()))) {
        runUnrecorded(p, StandardScenarios.generatorWarmup(), "w-", broker.clientOptions(client));
        return;
      } catch (BrokerFailure e) {
        if (broker == measured) {
          throw e;
        }
        if (progress != null) {
          progress.println(broker.name() + " failed the warm-up: " + e.reason());
        }
      }
    }
  }

  /**
   * One recorded run on a fresh process of {@code broker}. A peer's run also fails when it delivers
   * nothing or does not end in time; its process is then killed.
   */
  private RunResult measure(
      BrokerLauncher broker, boolean peer, Entry entry, int runNumber, Path dir)
      throws IOException, InterruptedException {
    try (BrokerProcess p = start(broker, dir)) {
      if (entry.kind() == Kind.CONNECTIONS) {
        // A connection storm on a broker that has never seen a connection measures its
        // start-up (for a JVM, the interpreter) as much as the broker: each broker gets a
        // smaller storm first, on the same process. Memory is measured from after it.
        runUnrecorded(
            p,
            StandardScenarios.connectionWarmup(entry.scenario().idle()),
            "cw" + runNumber + "-",
            broker.clientOptions(stormClient()));
      }
      ClientOptions options =
          broker.clientOptions(entry.kind() == Kind.CONNECTIONS ? stormClient() : client);
      ScenarioRunner runner =
          new ScenarioRunner(
              Endpoint.tcp("127.0.0.1", p.port()),
              options.withPrefix(options.clientIdPrefix() + runNumber + "-"),
              threads,
              p.pid(),
              null);
      Scenario scenario = entry.scenario();
      boolean timedOut;
      RunResult result;
      current = runner;
      Thread watchdog = peer ? watchdog(runner, scenario) : null;
      try {
        result = runner.run(scenario);
      } catch (IllegalArgumentException e) {
        // The runner reads the broker's memory when the run ends; a dead broker has none.
        if (p.isAlive()) {
          throw e;
        }
        result = null;
      } finally {
        current = null;
        timedOut = watchdog != null && stopWatchdog(watchdog);
      }
      if (!p.isAlive()) {
        throw new BrokerFailure(
            p.deathReason(),
            broker.name() + " died during " + scenario.name() + ": " + p.logTail());
      }
      // A run cut short by Ctrl-C is the user's doing, not the broker's.
      String shortfall =
          timedOut ? "timed out" : peer && !aborted ? shortfall(entry.kind(), result) : null;
      if (shortfall != null) {
        p.kill();
        throw new BrokerFailure(
            shortfall, broker.name() + " " + shortfall + " in " + scenario.name());
      }
      return result;
    }
  }

  /** Stops {@code runner} if its run outlasts the scenario's time and {@link #RUN_ALLOWANCE}. */
  private static Thread watchdog(ScenarioRunner runner, Scenario scenario) {
    Duration limit = scenario.duration().plus(scenario.drain()).plus(RUN_ALLOWANCE);
    return Thread.ofVirtual()
        .name("compare-watchdog")
        .start(
            () -> {
              try {
                Thread.sleep(limit);
              } catch (InterruptedException e) {
                return;
              }
              runner.stop();
            });
  }

  /** Ends the watchdog; true if it had already fired. */
  private static boolean stopWatchdog(Thread watchdog) throws InterruptedException {
    boolean fired = !watchdog.isAlive();
    watchdog.interrupt();
    watchdog.join();
    return fired;
  }

  /** Why a run a broker survived still counts as failed, or null if it does not. */
  private static String shortfall(Kind kind, RunResult r) {
    if (r.connected() == 0) {
      return "no client connected";
    }
    if (kind != Kind.CONNECTIONS && r.received() == 0) {
      return "delivered nothing";
    }
    return null;
  }

  private void report(String scenario, int round, BrokerLauncher broker, String what) {
    if (progress != null) {
      progress.println(
          String.format(
              "%-16s round %d/%d %-12s %s", scenario, round, rounds, broker.name(), what));
    }
  }

  private ClientOptions stormClient() {
    return StandardScenarios.stormClient(client);
  }

  private void runUnrecorded(
      BrokerProcess p, Scenario scenario, String prefix, ClientOptions options)
      throws IOException, InterruptedException {
    ScenarioRunner runner =
        new ScenarioRunner(
            Endpoint.tcp("127.0.0.1", p.port()),
            options.withPrefix(options.clientIdPrefix() + prefix),
            threads,
            0,
            null);
    current = runner;
    runner.run(scenario);
    current = null;
    if (!p.isAlive()) {
      throw new BrokerFailure(p.deathReason(), p.name() + " died during a warm-up: " + p.logTail());
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
    throw new BrokerFailure("did not start", last);
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

  private List<Row> table(List<String> brokers, List<Measurement> runs, List<Failure> failures) {
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) {
      String s = e.scenario().name();
      Metrics m = new Metrics(brokers, runs, failures, s);
      switch (e.kind()) {
        case THROUGHPUT -> {
          rows.add(m.row("delivered msg/s", true, RunResult::receivedPerSecond));
          rows.add(m.row("delivered %", true, r -> r.deliveredRatio() * 100));
          rows.add(m.row("broker CPU µs/msg", false, RunResult::cpuMicrosPerDelivery));
        }
        case LATENCY -> {
          rows.add(m.row("latency p50 ms", false, RunResult::latencyP50Ms));
          rows.add(m.row("latency p99 ms", false, RunResult::latencyP99Ms));
          rows.add(m.row("latency p99.9 ms", false, RunResult::latencyP999Ms));
          rows.add(m.row("broker CPU µs/msg", false, RunResult::cpuMicrosPerDelivery));
        }
        case CONNECTIONS -> {
          rows.add(m.row("connects/s", true, RunResult::connectRate));
          rows.add(m.row("RSS bytes/conn", false, RunResult::rssPerConnectionBytes));
        }
      }
    }
    rows.removeIf(r -> r == null);
    return rows;
  }

  /** One scenario's runs and failures, made into rows (the last broker is the one measured). */
  private record Metrics(
      List<String> brokers, List<Measurement> runs, List<Failure> failures, String scenario) {

    Row row(String metric, boolean higherIsBetter, ToDoubleFunction<RunResult> f) {
      List<Double> medians = new ArrayList<>();
      List<String> ranges = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      boolean anything = false;
      for (String broker : brokers) {
        double[] v =
            runs.stream()
                .filter(m -> m.scenario().equals(scenario) && m.broker().equals(broker))
                .mapToDouble(m -> f.applyAsDouble(m.result()))
                .toArray();
        String failure = failureOf(broker, v.length);
        anything |= v.length > 0 || !failure.isEmpty();
        medians.add(median(v));
        ranges.add(range(v));
        failed.add(failure);
      }
      if (!anything) {
        return null;
      }
      double measured = medians.getLast();
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < medians.size() - 1; i++) {
        ratios.add(measured / medians.get(i));
      }
      return new Row(scenario, metric, higherIsBetter, medians, ranges, failed, ratios);
    }

    /** "failed: REASON" if every run failed, "N of M failed: REASON" if some did, else "". */
    private String failureOf(String broker, int succeeded) {
      List<String> reasons =
          failures.stream()
              .filter(x -> x.scenario().equals(scenario) && x.broker().equals(broker))
              .map(Failure::reason)
              .toList();
      if (reasons.isEmpty()) {
        return "";
      }
      String why = String.join(", ", reasons.stream().distinct().toList());
      return succeeded == 0
          ? "failed: " + why
          : reasons.size() + " of " + (reasons.size() + succeeded) + " failed: " + why;
    }
  }

  /** The median of {@code v} (the mean of the middle two for an even count); NaN for none. */
  public static double median(double[] v) {
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
   * cell, so broker names of any length line up. A column per broker, then the ratio of the broker
   * measured (the last) to each peer.
   */
  public static String render(Comparison c) {
    List<String> brokers = c.brokers();
    String measured = brokers.getLast();
    List<String> header = new ArrayList<>(List.of("scenario", "metric"));
    for (String b : brokers) {
      header.add(b + " (median, range)");
    }
    for (String peer : brokers.subList(0, brokers.size() - 1)) {
      header.add(measured + "/" + peer);
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(header.toArray(String[]::new));
    for (Row r : c.table()) {
      List<String> line = new ArrayList<>(List.of(r.scenario(), r.metric()));
      for (int i = 0; i < r.medians().size(); i++) {
        line.add(cell(r.medians().get(i), r.ranges().get(i), r.failures().get(i)));
      }
      for (double ratio : r.ratios()) {
        line.add(
            Double.isNaN(ratio) || Double.isInfinite(ratio)
                ? "n/a"
                : String.format("%.2fx %s", ratio, r.higherIsBetter() ? "(hi)" : "(lo)"));
      }
      lines.add(line.toArray(String[]::new));
    }
    int[] width = new int[header.size()];
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

  /**
   * The median and range; a failure's words instead when no run succeeded, after it when some did.
   */
  private static String cell(double median, String range, String failure) {
    if (!failure.isEmpty() && Double.isNaN(median)) {
      return failure;
    }
    String figures = range.isEmpty() ? format(median) : format(median) + " (" + range + ")";
    return failure.isEmpty() ? figures : figures + "; " + failure;
  }
}
