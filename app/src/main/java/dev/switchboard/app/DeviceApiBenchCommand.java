package dev.switchboard.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bench.BrokerCpu;
import dev.switchboard.bench.cli.HelpOption;
import dev.switchboard.bench.cli.Output;
import dev.switchboard.bench.cli.RoundsOptions;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.CommandLauncher;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench myqtthub}: round trips through the MyQttHub-compatible device API. N
 * HTTP clients, each a device that logs in, subscribes to a topic of its own, then publishes to it
 * ({@code POST /publish}) and pulls ({@code POST /pull}) until the message is back, again and
 * again; round trips per second, their latency, and the broker's CPU per round trip.
 */
@Command(
    name = "myqtthub",
    description = {
      "Round trips through the MyQttHub-compatible device API: N HTTP clients each log in, subscribe to a topic of their own, then /publish and /pull until the message is back, again and again.",
      "Starts Switchboard (HTTP API on, default store) with a registry of N devices, a fresh process per run, once per QoS in turn, and prints medians of round trips per second, their latency and the broker's CPU per round trip."
    })
final class DeviceApiBenchCommand implements Callable<Integer> {
  private static final String PASSWORD = "bench-myqtthub";
  private static final String PREFIX = "mq-";

  /**
   * One run's figures.
   *
   * @param loggedIn clients that logged in and subscribed
   * @param published messages published over the whole run (answered 200)
   * @param pulledBack of those, the ones their client pulled back
   * @param roundTripsPerSecond round trips completed in the measured window, per second
   * @param brokerCpuMicrosPerRoundTrip the broker's CPU time over the window per round trip in it
   * @param errors calls answered otherwise than 200, or failed
   */
  record DeviceApiRun(
      int clients,
      long loggedIn,
      long published,
      long pulledBack,
      double roundTripsPerSecond,
      double latencyP50Ms,
      double latencyP99Ms,
      double brokerCpuMicrosPerRoundTrip,
      long errors) {}

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--clients",
      paramLabel = "N",
      description = "HTTP clients, each a device (default: ${DEFAULT-VALUE}).")
  int clients = 50;

  @Option(
      names = "--qos",
      paramLabel = "QOS[,QOS...]",
      split = ",",
      description = "The QoS of each variant, its subscription and its publishes (default: 0,1).")
  List<Integer> qos = new ArrayList<>(List.of(0, 1));

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      description = "Payload bytes before base64 (default: ${DEFAULT-VALUE}).")
  int size = 64;

  @Mixin RoundsOptions timing = new RoundsOptions(3, 15, 5);

  @Mixin Output output;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Integer> levels = qos.stream().distinct().toList();
    try {
      timing.check();
      if (clients < 1
          || size < 1
          || levels.isEmpty()
          || levels.stream().anyMatch(q -> q < 0 || q > 2)) {
        throw new IllegalArgumentException(
            "--clients and --size must be at least 1, --qos 0, 1 or 2");
      }
    } catch (IllegalArgumentException e) {
      err.println("switchboard bench myqtthub: " + e.getMessage());
      return Main.EXIT_CONFIG;
    }
    List<VariantTable.Run<DeviceApiRun>> all = new ArrayList<>();
    String scenario = "publish-pull-" + clients;
    try (BenchWorkspace work = BenchWorkspace.create("bench-myqtthub")) {
      int run = 0;
      for (int round = 1; round <= timing.rounds(); round++) {
        List<Integer> order = round % 2 == 0 ? levels.reversed() : levels;
        for (int q : order) {
          DeviceApiRun r = measure(q, work, "run-" + ++run);
          if (!output.quiet()) {
            out.printf(
                "%s, qos %d, round %d: %,.0f round trips/s, p50 %.2f ms, p99 %.2f ms, broker CPU"
                    + " %.1f µs/round trip, %d of %d logged in, %,d published, %,d pulled back,"
                    + " %,d errors%n",
                scenario,
                q,
                round,
                r.roundTripsPerSecond(),
                r.latencyP50Ms(),
                r.latencyP99Ms(),
                r.brokerCpuMicrosPerRoundTrip(),
                r.loggedIn(),
                r.clients(),
                r.published(),
                r.pulledBack(),
                r.errors());
            out.flush();
          }
          all.add(new VariantTable.Run<>(scenario, "qos" + q, round, r));
        }
      }
    }
    table(levels).report(out, output, all, "clients", clients, "size", size);
    return 0;
  }

  static VariantTable<DeviceApiRun> table(List<Integer> levels) {
    return new VariantTable<DeviceApiRun>(
            levels.stream().map(q -> new VariantTable.Variant("qos" + q, "QoS " + q)).toList())
        .figure("round trips/s", DeviceApiRun::roundTripsPerSecond)
        .figure("latency p50 ms", DeviceApiRun::latencyP50Ms)
        .figure("latency p99 ms", DeviceApiRun::latencyP99Ms)
        .figure("broker CPU µs/trip", DeviceApiRun::brokerCpuMicrosPerRoundTrip);
  }

  /** One run on a fresh process with a registry of {@link #clients} devices. */
  private DeviceApiRun measure(int qos, BenchWorkspace work, String run)
      throws IOException, InterruptedException {
    Path dir = work.runDirectory(run);
    Path data = dir.resolve("data"); // where CommandLauncher points the broker
    Files.createDirectories(data);
    Map<String, String> env = HubsBenchCommand.environment();
    env.remove("SWITCHBOARD_STORE_DURABILITY"); // the default store, as users run it
    int httpPort = BrokerLauncher.freePort();
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort));
    SwitchboardConfig config =
        SwitchboardConfig.load(null, env, Map.of("data-dir", data.toString()));
    String hash = config.authSettings().hasher().hash(PASSWORD.toCharArray());
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < clients; i++) {
        registry.add(Device.create(Hubs.DEFAULT, PREFIX + i, PREFIX + i, hash, now));
      }
    }
    CommandLauncher launcher =
        new CommandLauncher("switchboard-qos" + qos, SwitchboardProcess.command(), env);
    try (BrokerProcess p = launcher.start(BrokerLauncher.freePort(), dir)) {
      work.live(p);
      p.awaitListening(httpPort, 30); // the HTTP API starts after the MQTT listeners
      DeviceApiRun r = new Clients(URI.create("http://127.0.0.1:" + httpPort), qos).run(p.pid());
      if (!p.isAlive()) {
        throw new IOException(launcher.name() + " died during the run");
      }
      return r;
    } finally {
      work.live(null);
    }
  }

  /** The clients of one run and what they counted. */
  private final class Clients {
    private final URI base;
    private final int qos;
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final LongAdder loggedIn = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder pulledBack = new LongAdder();
    private final LongAdder measured = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3);
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;
    private volatile boolean stop;

    Clients(URI base, int qos) {
      this.base = base;
      this.qos = qos;
    }

    DeviceApiRun run(long pid) throws InterruptedException {
      CountDownLatch ready = new CountDownLatch(clients);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        String id = PREFIX + i;
        threads.add(Thread.ofVirtual().start(() -> client(id, ready)));
      }
      ready.await(60, TimeUnit.SECONDS);
      long start = System.nanoTime();
      measureFrom = start + timing.warmup().toNanos();
      measureTo = start + timing.duration().toNanos();
      LockSupport.parkNanos(measureFrom - System.nanoTime());
      double cpuBefore = BrokerCpu.seconds(pid);
      LockSupport.parkNanos(measureTo - System.nanoTime());
      double cpuAfter = BrokerCpu.seconds(pid);
      stop = true;
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
      double seconds = (measureTo - measureFrom) / 1e9;
      long trips = measured.sum();
      return new DeviceApiRun(
          clients,
          loggedIn.sum(),
          published.sum(),
          pulledBack.sum(),
          trips / seconds,
          latency.getTotalCount() > 0 ? latency.getValueAtPercentile(50) / 1e6 : Double.NaN,
          latency.getTotalCount() > 0 ? latency.getValueAtPercentile(99) / 1e6 : Double.NaN,
          trips > 0 ? (cpuAfter - cpuBefore) * 1e6 / trips : Double.NaN,
          errors.sum());
    }

    /** Logs in, subscribes, counts down, then publishes and pulls until stopped. */
    private void client(String id, CountDownLatch ready) {
      String token;
      String topic = "bench/myqtthub/" + id;
      try {
        String login =
            call(
                "/login",
                "{\"clientId\":\""
                    + id
                    + "\",\"userName\":\""
                    + id
                    + "\",\"password\":\""
                    + PASSWORD
                    + "\",\"cleanSession\":true}");
        token = login == null ? null : json.readTree(login).path("tokenId").asText(null);
        if (token == null
            || call(
                    "/subscribe",
                    "{\"tokenId\":\""
                        + token
                        + "\",\"subscriptions\":[[\""
                        + topic
                        + "\","
                        + qos
                        + "]]}")
                == null) {
          return;
        }
        loggedIn.increment();
      } catch (IOException e) {
        errors.increment();
        return;
      } finally {
        ready.countDown();
      }
      byte[] pad = new byte[size];
      String payload = Base64.getEncoder().encodeToString(pad);
      String publish =
          "{\"tokenId\":\""
              + token
              + "\",\"topic\":\""
              + topic
              + "\",\"qos\":"
              + qos
              + ",\"payload\":\""
              + payload
              + "\",\"retain\":false,\"dup\":false}";
      String pull = "{\"tokenId\":\"" + token + "\"}";
      while (!stop) {
        long sent = System.nanoTime();
        if (call("/publish", publish) == null) {
          continue;
        }
        published.increment();
        boolean back = false;
        while (!back && !stop) {
          String pulled = call("/pull", pull);
          back = pulled != null && !pulled.strip().equals("[]");
        }
        if (!back) {
          // stopped before it came back: one last look, so the counts add up
          String pulled = call("/pull", pull);
          back = pulled != null && !pulled.strip().equals("[]");
        }
        if (back) {
          pulledBack.increment();
          long done = System.nanoTime();
          if (sent >= measureFrom && done <= measureTo) {
            measured.increment();
            latency.recordValue(done - sent);
          }
        }
      }
      call("/logout", pull);
    }

    /** POSTs {@code body}; the answer's text when it is 200, else null (an error counted). */
    private String call(String path, String body) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() == 200) {
          return r.body();
        }
      } catch (IOException e) {
        // counted below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      errors.increment();
      return null;
    }
  }
}
