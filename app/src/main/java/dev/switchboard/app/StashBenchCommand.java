package dev.switchboard.app;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.Scenario.PublisherGroup;
import dev.switchboard.bench.Scenario.SubscriberGroup;
import dev.switchboard.bench.ScenarioRunner;
import dev.switchboard.bench.cli.GeneratorOptions;
import dev.switchboard.bench.cli.HelpOption;
import dev.switchboard.bench.cli.Output;
import dev.switchboard.bench.cli.RoundsOptions;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.CommandLauncher;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.store.MessageLogStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench stash}: what a stash costs the broker. The same fan-in against
 * Switchboard with no stash, with a stash that keeps every message, and with one that keeps the
 * messages of half the publishers; messages per second, the broker's CPU per message, and the
 * entries the stash stored.
 */
@Command(
    name = "stash",
    description = {
      "What stashing costs the broker: the same fan-in with no stash, a stash on '#', and a stash on a filter matching half the publishers.",
      "Starts Switchboard with its default store (strict durability; SQLite, or PostgreSQL with --store), a fresh process and data directory per run, in turn (A B C C B A ...), and prints medians of each variant and their ratio to the run without a stash."
    })
final class StashBenchCommand implements Callable<Integer> {
  /** The stash's name, in the default hub. */
  static final String STASH = "bench";

  private static final String PREFIX = "sb-";

  /** A broker set up one way. */
  enum Variant {
    NONE("none", "no stash", null),
    ALL("all", "stash on #", "#"),
    HALF("half", "stash on half", "bench/stash/a/#");

    final String name;
    final String label;

    /** The stash's filter; null for no stash. */
    final String filter;

    Variant(String name, String label, String filter) {
      this.name = name;
      this.label = label;
      this.filter = filter;
    }
  }

  /**
   * One run's figures and the entries its stash kept.
   *
   * @param stored entries the stash holds after the run, with those dropped at its limits
   */
  record StashRun(RunResult result, long stored) {
    /** Entries stored per message sent. */
    double storedPerSent() {
      return result.sent() > 0 ? (double) stored / result.sent() : Double.NaN;
    }
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--publishers",
      paramLabel = "N",
      description =
          "Publishers, an even number: half on bench/stash/a/..., half on .../b/... (default: ${DEFAULT-VALUE}).")
  int publishers = 10;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description =
          "Messages per second per publisher, 0 for as fast as each can (default: ${DEFAULT-VALUE}).")
  double rate = 0;

  @Option(
      names = "--qos",
      paramLabel = "0|1|2",
      description = "QoS of the publishers and the subscriber (default: ${DEFAULT-VALUE}).")
  int qos = 0;

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      description = "Payload size (default: ${DEFAULT-VALUE}).")
  int size = 64;

  @Option(
      names = "--max-entries",
      paramLabel = "N",
      description = "The stash's entry limit, 0 for none (default: ${DEFAULT-VALUE}).")
  long maxEntries = 0;

  @Option(
      names = "--store",
      paramLabel = "sqlite|postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
      description =
          "Where the broker keeps the stash: its SQLite files in each run's data directory (default), or a PostgreSQL database (its stash is emptied before each run).")
  String store = "sqlite";

  @Mixin RoundsOptions timing = new RoundsOptions(3, 15, 5);

  @Mixin GeneratorOptions generator;

  @Mixin Output output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> env;
    Scenario scenario;
    try {
      timing.check();
      generator.threads();
      if (publishers < 2 || publishers % 2 != 0 || rate < 0 || qos < 0 || qos > 2) {
        throw new IllegalArgumentException(
            "--publishers must be even and at least 2, --rate 0 or more, --qos 0, 1 or 2");
      }
      if (maxEntries < 0) {
        throw new IllegalArgumentException("--max-entries must be 0 (none) or more");
      }
      env = environment(store);
      scenario = scenario(publishers, rate, qos, size, timing.duration(), timing.warmup());
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench stash: " + e.getMessage());
      return Main.EXIT_CONFIG;
    }
    List<VariantTable.Run<StashRun>> all = new ArrayList<>();
    try (BenchWorkspace work = BenchWorkspace.create("bench-stash")) {
      work.warmUpGenerator(PREFIX + "w-", generator.threads());
      int run = 0;
      for (int round = 1; round <= timing.rounds(); round++) {
        // A B C, then C B A: what drifts over a sitting weighs on every variant alike
        List<Variant> order = List.of(Variant.values());
        if (round % 2 == 0) {
          order = order.reversed();
        }
        for (Variant variant : order) {
          StashRun r = measure(variant, scenario, env, work, "run-" + ++run);
          if (!output.quiet()) {
            out.printf(
                "%s, %s, round %d: %,.0f msg/s delivered (%.4f of expected), broker CPU %.2f"
                    + " µs/msg, p50 %.2f ms, p99 %.2f ms, %,d sent, %,d stored, %,d errors%n",
                scenario.name(),
                variant.label,
                round,
                r.result().receivedPerSecond(),
                r.result().deliveredRatio(),
                r.result().cpuMicrosPerDelivery(),
                r.result().latencyP50Ms(),
                r.result().latencyP99Ms(),
                r.result().sent(),
                r.stored(),
                r.result().errors());
            out.flush();
          }
          all.add(new VariantTable.Run<>(scenario.name(), variant.name, round, r));
        }
      }
    }
    table()
        .report(
            out,
            output,
            all,
            "publishers",
            publishers,
            "ratePerPublisher",
            rate,
            "qos",
            qos,
            "size",
            size,
            "store",
            store.startsWith("postgresql") ? "postgresql" : "sqlite");
    return 0;
  }

  static VariantTable<StashRun> table() {
    return new VariantTable<StashRun>(
            List.of(Variant.values()).stream()
                .map(v -> new VariantTable.Variant(v.name, v.label))
                .toList())
        .figure("delivered msg/s", r -> r.result().receivedPerSecond())
        .figure("broker CPU µs/msg", r -> r.result().cpuMicrosPerDelivery())
        .figure("latency p50 ms", r -> r.result().latencyP50Ms())
        .figure("latency p99 ms", r -> r.result().latencyP99Ms())
        .figure("entries stored", r -> r.stored())
        .figure("stored per sent", StashRun::storedPerSent);
  }

  /** Half the publishers on {@code bench/stash/a/N}, half on {@code .../b/N}, one subscriber. */
  static Scenario scenario(
      int publishers, double rate, int qos, int size, Duration duration, Duration warmup) {
    return new Scenario(
        "fan-in-qos" + qos,
        List.of(
            new PublisherGroup(publishers / 2, rate, qos, size, "bench/stash/a/%i", 64),
            new PublisherGroup(publishers / 2, rate, qos, size, "bench/stash/b/%i", 64)),
        List.of(new SubscriberGroup(1, qos, "bench/stash/#")),
        0,
        0,
        256,
        duration,
        warmup,
        Duration.ofSeconds(2));
  }

  /** One run on a fresh process, the stash defined (or not) before it starts. */
  private StashRun measure(
      Variant variant, Scenario scenario, Map<String, String> env, BenchWorkspace work, String run)
      throws IOException, InterruptedException {
    Path dir = work.runDirectory(run);
    Path data = dir.resolve("data"); // where CommandLauncher points the broker
    Files.createDirectories(data);
    StoreConfig storeConfig =
        SwitchboardConfig.load(null, env, Map.of("data-dir", data.toString())).storeConfig();
    prepare(storeConfig, variant);
    CommandLauncher launcher =
        new CommandLauncher("switchboard-" + variant.name, SwitchboardProcess.command(), env);
    try (BrokerProcess p = launcher.start(BrokerLauncher.freePort(), dir)) {
      work.live(p);
      ClientOptions options = ClientOptions.defaults(PREFIX).withVersion(generator.version());
      RunResult result =
          new ScenarioRunner(
                  Endpoint.tcp("127.0.0.1", p.port()), options, generator.threads(), p.pid(), null)
              .run(scenario);
      if (!p.isAlive()) {
        throw new IOException(launcher.name() + " died during " + scenario.name());
      }
      return new StashRun(result, stored(storeConfig));
    } finally {
      work.live(null);
    }
  }

  /**
   * The registry with the variant's stash (or none), and no entries left of an earlier run (on
   * PostgreSQL the database is the same for every run).
   */
  private void prepare(StoreConfig config, Variant variant) {
    try (RegistryStore registry = RegistryStore.open(config)) {
      registry.removeStash(Hubs.DEFAULT, STASH);
      if (variant.filter != null) {
        long now = System.currentTimeMillis();
        registry.addStash(
            new Stash(
                Hubs.DEFAULT, STASH, variant.filter, List.of(), maxEntries, 0, 0, true, now, now));
      }
    }
    try (MessageLogStore logs = MessageLogStore.open(config)) {
      logs.remove(Hubs.DEFAULT, STASH);
    }
  }

  /**
   * The entries the stash kept, with those dropped at its limits, once the broker's writer has
   * committed the last of them: read until two reads a moment apart agree.
   */
  private static long stored(StoreConfig config) throws InterruptedException {
    try (MessageLogStore logs = MessageLogStore.open(config)) {
      long last = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        var counts = logs.counts(Hubs.DEFAULT, STASH);
        long now = counts.entries() + counts.dropped();
        if (now == last || System.nanoTime() > deadline) {
          return now;
        }
        last = now;
        Thread.sleep(300);
      }
    }
  }

  /**
   * The broker's settings: anonymous clients, the default store (strict durability) where {@code
   * store} says, $SYS off, no HTTP, TLS or WebSocket listeners, the queue bounds compare gives
   * every broker.
   *
   * @throws IllegalArgumentException for a {@code --store} that is neither
   */
  static Map<String, String> environment(String store) {
    Map<String, String> env = SwitchboardProcess.mqttOnly();
    env.put("SWITCHBOARD_AUTH_ALLOW__ANONYMOUS", "true");
    if (store.equals("sqlite")) {
      return env;
    }
    if (!store.startsWith("postgresql://")) {
      throw new IllegalArgumentException(
          "--store is sqlite or postgresql://USER:PASSWORD@HOST:PORT/DATABASE, not " + store);
    }
    URI uri = URI.create(store);
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new IllegalArgumentException(
          "--store postgresql://USER:PASSWORD@HOST:PORT/DATABASE: a host and a database are"
              + " needed");
    }
    String info = uri.getUserInfo() == null ? "" : uri.getUserInfo();
    int colon = info.indexOf(':');
    env.put("SWITCHBOARD_STORE_TYPE", "postgresql");
    env.put(
        "SWITCHBOARD_STORE_POSTGRESQL_URL",
        "jdbc:postgresql://"
            + uri.getHost()
            + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
            + uri.getPath());
    env.put("SWITCHBOARD_STORE_POSTGRESQL_USER", colon < 0 ? info : info.substring(0, colon));
    if (colon >= 0) {
      env.put("SWITCHBOARD_STORE_POSTGRESQL_PASSWORD", info.substring(colon + 1));
    }
    return env;
  }
}
