package dev.switchboard.app;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.ScenarioRunner;
import dev.switchboard.bench.cli.GeneratorOptions;
import dev.switchboard.bench.cli.HelpOption;
import dev.switchboard.bench.cli.Output;
import dev.switchboard.http.cluster.ClusterFigures;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench cluster}: three nodes in child JVMs on this machine, and what a cluster
 * costs: route convergence, latency on one node against across two, bytes per forwarded message,
 * memory per node, and the failover of a client whose node is killed.
 */
@Command(
    name = "cluster",
    description = {
      "What the cluster costs: starts 3 nodes in child JVMs on 127.0.0.1 (free ports, no store,"
          + " HTTP on for the figures) and measures route convergence (SUBACK on one node to the"
          + " first message published every 2 ms on another), latency with publisher and"
          + " subscriber on one node and on two (each --qos at each --rates), bytes per forwarded"
          + " message (the forwarding counters), resident memory per node, and failover (kill -9"
          + " of a subscriber's node: until it is connected and receiving again on another)."
    })
final class ClusterBenchCommand implements Callable<Integer> {
  private static final int NODES = 3;

  /** Between the subscriber's SUBACK and the publishers' start, in every latency run. */
  private static final Duration SETTLE = Duration.ofSeconds(1);

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--rates",
      split = ",",
      paramLabel = "MSG/S",
      description = "Message rates of the latency runs (default: 1000,5000).")
  List<Integer> rates = List.of(1000, 5000);

  @Option(
      names = "--qos",
      split = ",",
      paramLabel = "Q",
      description = "QoS levels of the latency runs (default: 0,1).")
  List<Integer> qos = List.of(0, 1);

  @Option(
      names = "--publishers",
      paramLabel = "N",
      description = "Publishers sharing each rate (default: ${DEFAULT-VALUE}).")
  int publishers = 10;

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      description = "Payload size of the latency runs (default: ${DEFAULT-VALUE}).")
  int size = 64;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "SECONDS",
      description =
          "Publishing time per latency run, warm-up included (default: ${DEFAULT-VALUE}).")
  int duration = 15;

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      description = "Left out of each latency run's figures (default: ${DEFAULT-VALUE}).")
  int warmup = 3;

  @Option(
      names = "--convergence-rounds",
      paramLabel = "N",
      description = "Route convergence measurements (default: ${DEFAULT-VALUE}).")
  int convergenceRounds = 20;

  @Option(
      names = "--convergence-warmup",
      paramLabel = "N",
      description =
          "Route convergence rounds before those, reported apart: the nodes' first subscriptions"
              + " run cold code (default: ${DEFAULT-VALUE}).")
  int convergenceWarmup = 3;

  @Option(
      names = "--stable-after",
      paramLabel = "SECONDS",
      description =
          "The split brain resolver's stable-after on the nodes: a killed node is downed this long"
              + " after it is found unreachable (default: ${DEFAULT-VALUE}, the product's).")
  int stableAfter = 20;

  @Mixin GeneratorOptions generator;

  @Mixin Output output;

  /**
   * One latency run.
   *
   * @param placement {@code same-node} (publishers and subscriber on node 0) or {@code cross-node}
   *     (publishers on node 0, the subscriber on node 1)
   * @param bytesPerForwardedMessage node 0's forwarded bytes over its messages sent (cross-node;
   *     NaN on one node)
   * @param messagesPerBatch node 0's messages sent over its batches (cross-node; NaN on one node)
   */
  record LatencyRun(
      String placement,
      int qos,
      int rate,
      RunResult result,
      double bytesPerForwardedMessage,
      double messagesPerBatch) {}

  /**
   * Everything {@code --json} writes.
   *
   * @param formedSeconds from starting the JVMs until every node saw every node up
   * @param convergenceWarmupMs the warm-up rounds' route convergence, left out of the percentiles
   * @param convergenceMs each measured round's route convergence
   * @param rssIdleKb each node's resident memory once formed, before any traffic
   * @param rssAfterKb after the latency runs
   */
  record Report(
      int nodes,
      int cores,
      int stableAfterSeconds,
      double formedSeconds,
      List<Double> convergenceWarmupMs,
      List<Double> convergenceMs,
      double convergenceP50Ms,
      double convergenceP99Ms,
      List<LatencyRun> latency,
      List<Long> rssIdleKb,
      List<Long> rssAfterKb,
      ClusterProbes.Failover failover,
      List<String> failures) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      check();
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench cluster: " + e.getMessage());
      return Main.EXIT_CONFIG;
    }
    List<String> failures = new ArrayList<>();
    long t0 = System.nanoTime();
    try (ClusterBenchNodes nodes =
        ClusterBenchNodes.start(NODES, Duration.ofSeconds(stableAfter))) {
      nodes.awaitAllUp(Duration.ofSeconds(60));
      double formed = (System.nanoTime() - t0) / 1e9;
      List<Long> idle = rss(nodes);
      out.printf(
          Locale.ROOT,
          "%d nodes formed a cluster in %.1f s; resident memory %s MB%n",
          NODES,
          formed,
          megabytes(idle));
      out.flush();

      List<Double> all =
          new ClusterProbes(nodes)
              .routeConvergence(convergenceWarmup + convergenceRounds, failures);
      List<Double> convergenceWarm = List.copyOf(all.subList(0, convergenceWarmup));
      List<Double> convergence = List.copyOf(all.subList(convergenceWarmup, all.size()));
      List<Double> sorted = convergence.stream().sorted().toList();
      out.printf(
          Locale.ROOT,
          "route convergence (SUBACK to first message, %d rounds): p50 %.1f ms, p99 %.1f ms;"
              + " warm-up rounds %s ms%n",
          convergenceRounds,
          percentile(sorted, 0.5),
          percentile(sorted, 0.99),
          millis(convergenceWarm));
      out.flush();

      List<LatencyRun> runs = new ArrayList<>();
      int run = 0;
      for (int q : qos) {
        for (int rate : rates) {
          for (String placement : List.of("same-node", "cross-node")) {
            LatencyRun r = latency(nodes, placement, q, rate, "bc" + run++);
            runs.add(r);
            if (!output.quiet()) {
              out.println(line(r));
              out.flush();
            }
          }
        }
      }
      List<Long> after = rss(nodes);

      ClusterProbes.Failover failover = null;
      try {
        failover =
            new ClusterProbes(nodes).failover(NODES - 1, Duration.ofSeconds(stableAfter + 60L));
      } catch (java.io.IOException e) {
        failures.add("failover: " + e.getMessage());
      }

      Report report =
          new Report(
              NODES,
              Runtime.getRuntime().availableProcessors(),
              stableAfter,
              formed,
              convergenceWarm,
              convergence,
              percentile(sorted, 0.5),
              percentile(sorted, 0.99),
              runs,
              idle,
              after,
              failover,
              failures);
      print(out, report);
      output.writeJson(report);
      return failures.isEmpty() ? 0 : 1;
    }
  }

  private void check() {
    generator.threads();
    generator.version();
    if (rates.isEmpty() || rates.stream().anyMatch(r -> r < 1)) {
      throw new IllegalArgumentException("--rates must be messages per second, 1 or more");
    }
    if (qos.isEmpty() || qos.stream().anyMatch(q -> q < 0 || q > 2)) {
      throw new IllegalArgumentException("--qos must be 0, 1 or 2");
    }
    if (publishers < 1 || convergenceRounds < 1 || stableAfter < 1) {
      throw new IllegalArgumentException(
          "--publishers, --convergence-rounds and --stable-after must be at least 1");
    }
    if (convergenceWarmup < 0) {
      throw new IllegalArgumentException("--convergence-warmup must be 0 or more");
    }
    if (duration < 1 || warmup < 0 || warmup >= duration) {
      throw new IllegalArgumentException(
          "--duration must be at least 1, --warmup shorter than --duration (whole seconds)");
    }
    new Scenario.PublisherGroup(1, 1, 0, size, "t", 1); // the size's bounds
  }

  /**
   * One latency run: {@link #publishers} publishers sharing {@code rate} on node 0, one subscriber
   * on node 0 or node 1; node 0's forwarding counters before and after.
   */
  private LatencyRun latency(
      ClusterBenchNodes nodes, String placement, int q, int rate, String prefix) throws Exception {
    boolean cross = placement.equals("cross-node");
    String topic = "bench/cluster/" + prefix + "/%i";
    Scenario scenario =
        new Scenario(
            String.format(Locale.ROOT, "%s-qos%d-%d", placement, q, rate),
            List.of(
                new Scenario.PublisherGroup(
                    publishers, (double) rate / publishers, q, size, topic, 64)),
            List.of(new Scenario.SubscriberGroup(1, q, "bench/cluster/" + prefix + "/+")),
            0,
            0,
            256,
            Duration.ofSeconds(duration),
            Duration.ofSeconds(warmup),
            Duration.ofSeconds(2));
    ClientOptions options = ClientOptions.defaults(prefix + "-").withVersion(generator.version());
    Endpoint publishersAt = Endpoint.tcp("127.0.0.1", nodes.node(0).mqttPort());
    Endpoint subscriberAt =
        cross ? Endpoint.tcp("127.0.0.1", nodes.node(1).mqttPort()) : publishersAt;
    ClusterFigures before = nodes.figures(0);
    ScenarioRunner runner =
        new ScenarioRunner(subscriberAt, options, generator.threads(), 0, null)
            .publishersAt(publishersAt);
    // across nodes, the subscriber's route must reach node 0 before the publishers' first
    // message, or that message has nobody to go to there (tens of milliseconds: see the route
    // convergence); one node gets the same pause, so that both runs are alike
    runner.settleBeforePublishing(SETTLE);
    RunResult result = runner.run(scenario);
    ClusterFigures after = nodes.figures(0);
    double perMessage = Double.NaN;
    double perBatch = Double.NaN;
    if (cross) {
      ClusterFigures.Forwarding a = after.forwarding();
      ClusterFigures.Forwarding b = before.forwarding();
      long messages = (a.sent() - b.sent()) + (a.resent() - b.resent());
      long batches = a.batches() - b.batches();
      if (messages > 0) {
        perMessage = (double) (a.bytes() - b.bytes()) / messages;
      }
      if (batches > 0) {
        perBatch = (double) messages / batches;
      }
    }
    return new LatencyRun(placement, q, rate, result, perMessage, perBatch);
  }

  private static String line(LatencyRun r) {
    RunResult x = r.result();
    return String.format(
        Locale.ROOT,
        "%-10s QoS %d, %,6d msg/s: %,.0f msg/s delivered (%.4f of expected), latency p50 %.2f ms,"
            + " p99 %.2f ms%s, %d errors",
        r.placement(),
        r.qos(),
        r.rate(),
        x.receivedPerSecond(),
        x.deliveredRatio(),
        x.latencyP50Ms(),
        x.latencyP99Ms(),
        Double.isNaN(r.bytesPerForwardedMessage())
            ? ""
            : String.format(
                Locale.ROOT,
                ", %.0f bytes a forwarded message (%.1f a batch)",
                r.bytesPerForwardedMessage(),
                r.messagesPerBatch()),
        x.errors());
  }

  private void print(PrintWriter out, Report r) {
    out.println();
    out.printf(
        Locale.ROOT,
        "bench cluster: %d nodes on 127.0.0.1, %d cores, stable-after %d s%n",
        r.nodes(),
        r.cores(),
        r.stableAfterSeconds());
    out.printf(
        Locale.ROOT,
        "route convergence            p50 %.1f ms, p99 %.1f ms (%d rounds; before them %d warm-up"
            + " rounds: %s ms)%n",
        r.convergenceP50Ms(),
        r.convergenceP99Ms(),
        r.convergenceMs().size(),
        r.convergenceWarmupMs().size(),
        millis(r.convergenceWarmupMs()));
    out.printf(
        "%-26s %-21s %-21s %s%n",
        "latency p50 / p99 (ms)", "same node", "cross node", "bytes per forwarded msg");
    for (int i = 0; i + 1 < r.latency().size(); i += 2) {
      LatencyRun same = r.latency().get(i);
      LatencyRun cross = r.latency().get(i + 1);
      out.printf(
          Locale.ROOT,
          "%-26s %-21s %-21s %.0f%n",
          String.format(Locale.ROOT, "QoS %d at %,d msg/s", same.qos(), same.rate()),
          String.format(
              Locale.ROOT,
              "%.2f / %.2f",
              same.result().latencyP50Ms(),
              same.result().latencyP99Ms()),
          String.format(
              Locale.ROOT,
              "%.2f / %.2f",
              cross.result().latencyP50Ms(),
              cross.result().latencyP99Ms()),
          cross.bytesPerForwardedMessage());
    }
    out.printf(
        "resident memory (MB)         idle %s, after the latency runs %s%n",
        megabytes(r.rssIdleKb()), megabytes(r.rssAfterKb()));
    if (r.failover() != null) {
      ClusterProbes.Failover f = r.failover();
      out.printf(
          Locale.ROOT,
          "failover (kill -9 of node %d) connection lost after %.0f ms, connected to node %d after"
              + " %.0f ms (%d CONNECTs), receiving again after %.0f ms%n",
          f.killedNode(),
          f.connectionLostMs(),
          f.rescueNode(),
          f.reconnectedMs(),
          f.connectAttempts(),
          f.receivingAgainMs());
      f.failedAttempts().forEach(a -> out.println("  " + a));
    }
    for (String failure : r.failures()) {
      out.println("FAILED: " + failure);
    }
    out.flush();
  }

  private static List<Long> rss(ClusterBenchNodes nodes) {
    List<Long> kb = new ArrayList<>();
    for (int i = 0; i < nodes.nodes().size(); i++) {
      kb.add(nodes.rssKb(i));
    }
    return kb;
  }

  private static String millis(List<Double> ms) {
    return ms.isEmpty()
        ? "none"
        : String.join(", ", ms.stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList());
  }

  private static String megabytes(List<Long> kb) {
    return String.join(
        " / ", kb.stream().map(k -> String.format(Locale.ROOT, "%.0f", k / 1024.0)).toList());
  }

  /** The {@code q} quantile of {@code sorted} (nearest rank); NaN when empty. */
  static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
