package dev.switchboard.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.app.HubLayout.Traffic;
import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.ScenarioRunner;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.CommandLauncher;
import dev.switchboard.bench.compare.CompareRunner;
import dev.switchboard.bench.compare.StandardScenarios;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench hubs}: what hubs cost the routing. The same fleet, the same clients and
 * the same traffic against Switchboard twice: all devices in one hub, and each group of them in a
 * hub of its own (by default one hub of 10,000 devices against 100 hubs of 100).
 */
@Command(
    name = "hubs",
    description = {
      "What hubs cost the routing: the same devices and traffic in one hub, then spread over many.",
      "Starts Switchboard with a registry of DEVICES devices, every generated client a device that logs in as itself (user name = client id), all in one hub or in HUBS hubs of DEVICES/HUBS, and runs a fan-in at QoS 0 and point-to-point pairs at QoS 1 against each, in turn (A B B A ...), a fresh process per run. Prints medians of each layout and their ratio."
    })
final class HubsBenchCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--hubs",
      paramLabel = "N",
      description = "Hubs of the many-hubs layout (default: ${DEFAULT-VALUE}).")
  int hubs = 100;

  @Option(
      names = "--devices",
      paramLabel = "N",
      description = "Devices in all, connected in every run (default: ${DEFAULT-VALUE}).")
  int devices = 10_000;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description =
          "Messages per second per publisher, 0 for as fast as each can; one device in 50"
              + " publishes (default: ${DEFAULT-VALUE}, 50,000 msg/s for 10,000 devices).")
  double rate = 250;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Rounds per scenario and layout (default: ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "SECONDS",
      description = "Publishing time per run, warm-up included (default: ${DEFAULT-VALUE}).")
  int duration = 15;

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      description = "Left out of the figures at the start of each run (default: ${DEFAULT-VALUE}).")
  int warmup = 5;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Generator I/O threads per group (default: one per core).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  /** The password of every device; the broker hashes it cheaply (see {@link #environment}). */
  private static final String PASSWORD = "bench-hubs";

  private static final String PREFIX = "hb-";

  /** The broker process of the run under way, closed by the shutdown hook on Ctrl-C. */
  private volatile BrokerProcess live;

  /** One recorded run. */
  record Measurement(String scenario, String layout, int round, RunResult result) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (hubs < 2 || devices < hubs * 4 || devices % hubs != 0) {
      err.println(
          "switchboard bench hubs: --devices must be a multiple of --hubs (at least 2) with at"
              + " least 4 devices a hub");
      return Main.EXIT_CONFIG;
    }
    if (rounds < 1 || duration < 1 || warmup < 0 || warmup >= duration || threads < 1 || rate < 0) {
      err.println(
          "switchboard bench hubs: --rounds, --duration and --threads must be at least 1,"
              + " --warmup shorter than --duration and --rate 0 or more");
      return Main.EXIT_CONFIG;
    }
    int perGroup = devices / hubs;
    List<HubLayout> layouts =
        List.of(HubLayout.oneHub(hubs, perGroup), HubLayout.manyHubs(hubs, perGroup));
    List<Measurement> all = new ArrayList<>();
    Path work = Files.createTempDirectory("switchboard-bench-hubs-");
    Thread closeLive =
        new Thread(
            () -> {
              BrokerProcess p = live;
              if (p != null) {
                p.close(); // never leave a broker behind
              }
            },
            "bench-hubs-cleanup");
    Runtime.getRuntime().addShutdownHook(closeLive);
    try {
      warmUpGenerator(work.resolve("warmup"));
      int run = 0;
      for (Traffic traffic : Traffic.values()) {
        for (int round = 1; round <= rounds; round++) {
          // A B, then B A: what drifts over a sitting weighs on both layouts alike
          List<HubLayout> order = new ArrayList<>(layouts);
          if (round % 2 == 0) {
            order = order.reversed();
          }
          for (HubLayout layout : order) {
            Scenario scenario =
                layout.scenario(
                    traffic, rate, Duration.ofSeconds(duration), Duration.ofSeconds(warmup));
            RunResult r = measure(layout, scenario, work.resolve("run-" + ++run));
            out.printf(
                "%s, %s, round %d: %,.0f msg/s delivered (%.4f of expected), p50 %.2f ms,"
                    + " p99 %.2f ms, broker CPU %.2f µs/msg, %,d connections at %,.0f/s,"
                    + " %,d errors%n",
                scenario.name(),
                layout.label(),
                round,
                r.receivedPerSecond(),
                r.deliveredRatio(),
                r.latencyP50Ms(),
                r.latencyP99Ms(),
                r.cpuMicrosPerDelivery(),
                r.connected(),
                r.connectRate(),
                r.errors());
            out.flush();
            all.add(new Measurement(scenario.name(), layout.name(), round, r));
          }
        }
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(closeLive);
      deleteTree(work);
    }
    out.println();
    out.print(table(all, layouts));
    out.flush();
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("hubs", hubs);
      doc.put("devices", devices);
      doc.put("ratePerPublisher", rate);
      doc.put("runs", all);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
    }
    return 0;
  }

  /**
   * An unrecorded run of the generator's code paths against a plain Switchboard, so that the first
   * recorded run does not measure the generator's own warm-up.
   */
  private void warmUpGenerator(Path dir) throws IOException, InterruptedException {
    BrokerLauncher plain = SwitchboardProcess.launcher();
    try (BrokerProcess p = plain.start(BrokerLauncher.freePort(), dir)) {
      live = p;
      ClientOptions options = plain.clientOptions(ClientOptions.defaults(PREFIX + "w-"));
      new ScenarioRunner(Endpoint.tcp("127.0.0.1", p.port()), options, threads, 0, null)
          .run(StandardScenarios.generatorWarmup());
    } finally {
      live = null;
    }
  }

  /** One run on a fresh process, its registry made before it starts. */
  private RunResult measure(HubLayout layout, Scenario scenario, Path dir)
      throws IOException, InterruptedException {
    Map<String, String> env = environment();
    Path data = dir.resolve("data"); // where CommandLauncher points the broker
    Files.createDirectories(data);
    SwitchboardConfig config =
        SwitchboardConfig.load(null, env, Map.of("data-dir", data.toString()));
    String hash = config.authSettings().hasher().hash(PASSWORD.toCharArray());
    Map<String, List<Device>> fleet = layout.devices(scenario, PREFIX, hash);
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      layout.register(registry, fleet);
    }
    CommandLauncher launcher =
        new CommandLauncher("switchboard-" + layout.name(), SwitchboardProcess.command(), env);
    try (BrokerProcess p = launcher.start(BrokerLauncher.freePort(), dir)) {
      live = p;
      ClientOptions options =
          StandardScenarios.stormClient(
              new ClientOptions(
                  ClientOptions.CLIENT_ID,
                  PASSWORD,
                  MqttVersion.V3_1_1,
                  PREFIX,
                  300,
                  List.of(),
                  false,
                  null));
      RunResult result =
          new ScenarioRunner(Endpoint.tcp("127.0.0.1", p.port()), options, threads, p.pid(), null)
              .run(scenario);
      if (!p.isAlive()) {
        throw new IOException(launcher.name() + " died during " + scenario.name());
      }
      return result;
    } finally {
      live = null;
    }
  }

  /**
   * The broker's settings: routing alone is measured, so no store and no $SYS, and the logins of
   * 10,000 devices from one machine are neither slowed by a costly hash nor refused as a storm from
   * one address (both are the defaults' business, measured by {@code compare --setup default}); TLS
   * and WebSocket listeners off; the queue bounds compare gives every broker.
   */
  static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(SwitchboardProcess.queueLimits());
    env.put("SWITCHBOARD_SYS_INTERVAL", "0");
    env.put("SWITCHBOARD_STORE_DURABILITY", "none");
    env.put("SWITCHBOARD_LISTENERS_MQTTS_PORT", "off");
    env.put("SWITCHBOARD_LISTENERS_WS_PORT", "off");
    env.put("SWITCHBOARD_LISTENERS_WSS_PORT", "off");
    env.put("SWITCHBOARD_HTTP_PORT", "off"); // the broker alone is measured
    env.put("SWITCHBOARD_HTTP_HTTPS__PORT", "off");
    env.put("SWITCHBOARD_AUTH_PASSWORDS_ARGON2ID_MEMORY__KIB", "256");
    env.put("SWITCHBOARD_AUTH_PASSWORDS_ARGON2ID_ITERATIONS", "1");
    env.put("SWITCHBOARD_AUTH_PASSWORDS_CHECK__QUEUE", "100000");
    env.put("SWITCHBOARD_AUTH_THROTTLE_ADDRESS__CHECKS", "100000");
    env.put("SWITCHBOARD_AUTH_THROTTLE_ADDRESS__FAILURES", "100000"); // logins under way count
    env.put("SWITCHBOARD_AUTH_THROTTLE_USER__ADDRESS__FAILURES", "100000");
    return env;
  }

  /** Medians of each layout per figure, with their ratio (many hubs over one). */
  static String table(List<Measurement> all, List<HubLayout> layouts) {
    StringBuilder b = new StringBuilder();
    String one = layouts.get(0).name();
    String many = layouts.get(1).name();
    b.append(
        String.format(
            "%-28s %18s %18s %8s%n", "", layouts.get(0).label(), layouts.get(1).label(), "ratio"));
    List<String> scenarios = all.stream().map(Measurement::scenario).distinct().toList();
    for (String scenario : scenarios) {
      for (var figure : figures().entrySet()) {
        double a = median(all, scenario, one, figure.getValue());
        double c = median(all, scenario, many, figure.getValue());
        b.append(
            String.format(
                "%-28s %18s %18s %8s%n",
                scenario + " " + figure.getKey(),
                format(a),
                format(c),
                a > 0 ? String.format("%.2fx", c / a) : "-"));
      }
    }
    return b.toString();
  }

  private static Map<String, ToDoubleFunction<RunResult>> figures() {
    Map<String, ToDoubleFunction<RunResult>> f = new LinkedHashMap<>();
    f.put("delivered msg/s", RunResult::receivedPerSecond);
    f.put("latency p50 ms", RunResult::latencyP50Ms);
    f.put("latency p99 ms", RunResult::latencyP99Ms);
    f.put("broker CPU µs/msg", RunResult::cpuMicrosPerDelivery);
    f.put("connects/s", RunResult::connectRate);
    return f;
  }

  private static double median(
      List<Measurement> all, String scenario, String layout, ToDoubleFunction<RunResult> figure) {
    return CompareRunner.median(
        all.stream()
            .filter(m -> m.scenario().equals(scenario) && m.layout().equals(layout))
            .mapToDouble(m -> figure.applyAsDouble(m.result()))
            .toArray());
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.3f", v);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
