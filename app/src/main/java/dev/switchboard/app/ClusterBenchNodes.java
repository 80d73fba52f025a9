package dev.switchboard.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bench.BrokerMemory;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.CommandLauncher;
import dev.switchboard.bench.compare.ScratchDirectory;
import dev.switchboard.http.cluster.ClusterFigures;
import dev.switchboard.http.cluster.ClusterRoutes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The three nodes {@code bench cluster} measures: Switchboard in three child JVMs on 127.0.0.1,
 * free ports, one seed list naming all three, each with its own data directory and no store (a
 * store per node, which {@code cluster.unsafe-local-store} allows for tests and benchmarks), no
 * {@code $SYS}, and its HTTP API on, from which the forwarding counters are read. Closing stops
 * them all and deletes the directory; a Ctrl-C does the same.
 */
final class ClusterBenchNodes implements AutoCloseable {
  /** A node: its process and its ports. */
  record Node(String name, BrokerProcess process, int mqttPort, int httpPort, int clusterPort) {}

  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final Thread cleanup;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private ClusterBenchNodes(Path dir) {
    this.dir = dir;
    this.cleanup = new Thread(this::stopAll, "bench-cluster-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /**
   * Starts {@code count} nodes at once (a node listens once it has joined, and the first seed waits
   * for the others) and waits until each listens.
   *
   * @param stableAfter the split brain resolver's {@code stable-after}: how long a node killed
   *     stays unreachable before the others down it (and its client ids can be claimed elsewhere)
   */
  static ClusterBenchNodes start(int count, Duration stableAfter)
      throws IOException, InterruptedException {
    ClusterBenchNodes c =
        new ClusterBenchNodes(Files.createTempDirectory("switchboard-bench-cluster-"));
    try {
      c.startAll(count, stableAfter);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void startAll(int count, Duration stableAfter) throws IOException, InterruptedException {
    int[] clusterPorts = new int[count];
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts[i] = BrokerLauncher.freePort();
      seeds.add("127.0.0.1:" + clusterPorts[i]);
    }
    Path config = dir.resolve("cluster.conf");
    Files.writeString(
        config,
        "switchboard.cluster { unsafe-local-store = true, first-seed-wait = 1s, stable-after = "
            + stableAfter.toMillis()
            + "ms }\n");
    Map<String, String> env = SwitchboardProcess.mqttOnly();
    env.put("SWITCHBOARD_STORE_DURABILITY", "none");
    env.put("SWITCHBOARD_AUTH_ALLOW__ANONYMOUS", "true");
    ExecutorService starters = Executors.newFixedThreadPool(count);
    try {
      List<Future<Node>> started = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "node-" + i;
        int clusterPort = clusterPorts[i];
        int mqttPort = BrokerLauncher.freePort();
        int httpPort = BrokerLauncher.freePort();
        CommandLauncher launcher =
            new CommandLauncher(
                name,
                SwitchboardProcess.command(),
                env,
                List.of(
                    "--config",
                    config.toString(),
                    "--http-port",
                    Integer.toString(httpPort),
                    "--cluster",
                    "--cluster-port",
                    Integer.toString(clusterPort),
                    "--cluster-seeds",
                    String.join(",", seeds),
                    "--node-name",
                    name));
        Path nodeDir = dir.resolve(name);
        started.add(
            starters.submit(
                () ->
                    new Node(
                        name, launcher.start(mqttPort, nodeDir), mqttPort, httpPort, clusterPort)));
      }
      IOException failure = null;
      for (Future<Node> f : started) {
        try {
          nodes.add(f.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          IOException io =
              cause instanceof IOException x ? x : new IOException(cause.toString(), cause);
          if (failure == null) {
            failure = io;
          } else {
            failure.addSuppressed(io);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      starters.shutdown();
    }
  }

  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  Node node(int i) {
    return nodes.get(i);
  }

  /** Node {@code i}'s view of the cluster, from its {@code GET /api/v1/cluster}. */
  ClusterFigures figures(int i) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + nodes.get(i).httpPort() + ClusterRoutes.PATH);
    HttpResponse<String> a =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (a.statusCode() != 200) {
      throw new IOException(uri + " answered " + a.statusCode() + ": " + a.body());
    }
    return json.readValue(a.body(), ClusterFigures.class);
  }

  /**
   * Waits until every node sees every node up and reachable.
   *
   * @throws IOException when that does not happen within {@code timeout}
   */
  void awaitAllUp(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (true) {
      boolean all = true;
      try {
        for (int i = 0; i < nodes.size() && all; i++) {
          ClusterFigures f = figures(i);
          all = f.membersUp() == nodes.size() && f.membersUnreachable() == 0;
        }
      } catch (IOException e) {
        last = e; // a node's HTTP server starts just after its MQTT listener
        all = false;
      }
      if (all) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the nodes did not all see each other up within " + timeout.toSeconds() + " s", last);
      }
      Thread.sleep(100);
    }
  }

  /** Node {@code i}'s resident memory in kB. */
  long rssKb(int i) {
    return BrokerMemory.rssKb(nodes.get(i).process().pid());
  }

  /** {@code kill -9} of node {@code i}: no leaving, no closing of its connections by itself. */
  void kill(int i) throws InterruptedException {
    ProcessHandle.of(nodes.get(i).process().pid()).ifPresent(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (nodes.get(i).process().isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  private void stopAll() {
    // all at once: leaving one by one would hand the owners' shards over twice
    List<Thread> stopping = new ArrayList<>();
    for (Node n : nodes) {
      stopping.add(Thread.ofPlatform().start(n.process()::close));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs, or has run
    }
    stopAll();
    http.close();
    ScratchDirectory.delete(dir);
  }
}
