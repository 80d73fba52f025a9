package dev.switchboard.app;

import dev.switchboard.app.HubLayout.Traffic;
import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.bench.RunResult;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.ScenarioRunner;
import dev.switchboard.bench.cli.GeneratorOptions;
import dev.switchboard.bench.cli.HelpOption;
import dev.switchboard.bench.cli.Output;
import dev.switchboard.bench.cli.RoundsOptions;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.CommandLauncher;
import dev.switchboard.bench.compare.StandardScenarios;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin HelpOption help;

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

  @Mixin RoundsOptions timing = new RoundsOptions(3, 15, 5);

  @Mixin GeneratorOptions generator;

  @Mixin Output output;

  /** The password of every device; the broker hashes it cheaply (see {@link #environment}). */
  private static final String PASSWORD = "bench-hubs";

  private static final String PREFIX = "hb-";

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
    try {
      timing.check();
      generator.threads();
      generator.version();
      if (rate < 0) {
        throw new IllegalArgumentException("--rate must be 0 or more");
      }
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench hubs: " + e.getMessage());
      return Main.EXIT_CONFIG;
    }
    int perGroup = devices / hubs;
    List<HubLayout> layouts =
        List.of(HubLayout.oneHub(hubs, perGroup), HubLayout.manyHubs(hubs, perGroup));
    List<VariantTable.Run<RunResult>> all = new ArrayList<>();
    try (BenchWorkspace work = BenchWorkspace.create("bench-hubs")) {
      work.warmUpGenerator(PREFIX + "w-", generator.threads());
      int run = 0;
      for (Traffic traffic : Traffic.values()) {
        for (int round = 1; round <= timing.rounds(); round++) {
          // A B, then B A: what drifts over a sitting weighs on both layouts alike
          List<HubLayout> order = new ArrayList<>(layouts);
          if (round % 2 == 0) {
            order = order.reversed();
          }
          for (HubLayout layout : order) {
            Scenario scenario = layout.scenario(traffic, rate, timing.duration(), timing.warmup());
            RunResult r = measure(layout, scenario, work, "run-" + ++run);
            if (!output.quiet()) {
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
            }
            all.add(new VariantTable.Run<>(scenario.name(), layout.name(), round, r));
          }
        }
      }
    }
    table(layouts)
        .report(out, output, all, "hubs", hubs, "devices", devices, "ratePerPublisher", rate);
    return 0;
  }

  /** One run on a fresh process, its registry made before it starts. */
  private RunResult measure(HubLayout layout, Scenario scenario, BenchWorkspace work, String run)
      throws IOException, InterruptedException {
    Path dir = work.runDirectory(run);
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
      work.live(p);
      ClientOptions options =
          StandardScenarios.stormClient(
              new ClientOptions(
                  ClientOptions.CLIENT_ID,
                  PASSWORD,
                  generator.version(),
                  PREFIX,
                  300,
                  List.of(),
                  false,
                  null));
      RunResult result =
          new ScenarioRunner(
                  Endpoint.tcp("127.0.0.1", p.port()), options, generator.threads(), p.pid(), null)
              .run(scenario);
      if (!p.isAlive()) {
        throw new IOException(launcher.name() + " died during " + scenario.name());
      }
      return result;
    } finally {
      work.live(null);
    }
  }

  /**
   * The broker's settings: routing alone is measured, so no store and no $SYS, and the logins of
   * 10,000 devices from one machine are neither slowed by a costly hash nor refused as a storm from
   * one address (both are the defaults' business, measured by {@code compare --setup default}); TLS
   * and WebSocket listeners off; the queue bounds compare gives every broker.
   */
  static Map<String, String> environment() {
    Map<String, String> env = SwitchboardProcess.mqttOnly();
    env.put("SWITCHBOARD_STORE_DURABILITY", "none");
    env.put("SWITCHBOARD_AUTH_PASSWORDS_ARGON2ID_MEMORY__KIB", "256");
    env.put("SWITCHBOARD_AUTH_PASSWORDS_ARGON2ID_ITERATIONS", "1");
    env.put("SWITCHBOARD_AUTH_PASSWORDS_CHECK__QUEUE", "100000");
    env.put("SWITCHBOARD_AUTH_THROTTLE_ADDRESS__CHECKS", "100000");
    env.put("SWITCHBOARD_AUTH_THROTTLE_ADDRESS__FAILURES", "100000"); // logins under way count
    env.put("SWITCHBOARD_AUTH_THROTTLE_USER__ADDRESS__FAILURES", "100000");
    return env;
  }

  /** Medians of each layout per figure, with their ratio (many hubs over one). */
  static VariantTable<RunResult> table(List<HubLayout> layouts) {
    return new VariantTable<RunResult>(
            layouts.stream().map(l -> new VariantTable.Variant(l.name(), l.label())).toList())
        .figure("delivered msg/s", RunResult::receivedPerSecond)
        .figure("latency p50 ms", RunResult::latencyP50Ms)
        .figure("latency p99 ms", RunResult::latencyP99Ms)
        .figure("broker CPU µs/msg", RunResult::cpuMicrosPerDelivery)
        .figure("connects/s", RunResult::connectRate);
  }
}
