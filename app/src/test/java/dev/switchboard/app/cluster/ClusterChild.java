package dev.switchboard.app.cluster;

import dev.switchboard.app.ChildJvm;
import dev.switchboard.app.CliRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One cluster node: {@code switchboard start --dev --cluster} in a JVM of its own, from the test
 * class path, on 127.0.0.1 with free ports, its own data directory (a store per node, which {@code
 * cluster.unsafe-local-store} allows for tests). Or, with {@link #withCommandPrefix} and {@link
 * #withBindAddress}, in a network namespace of its own on that namespace's address.
 */
final class ClusterChild implements AutoCloseable {
  private final String name;
  private final Path dir;
  private final int clusterPort;
  private Process process;
  private int mqttPort;
  private boolean http;
  private String httpUrl;

  private final String extraConfig;
  private List<String> commandPrefix = List.of();
  private String bindAddress;

  ClusterChild(String name, Path dir, int clusterPort) {
    this(name, dir, clusterPort, "");
  }

  /** With {@code extraConfig} (HOCON) added to the node's configuration file. */
  ClusterChild(String name, Path dir, int clusterPort, String extraConfig) {
    this.name = name;
    this.dir = dir;
    this.clusterPort = clusterPort;
    this.extraConfig = extraConfig;
  }

  /** A port free now on 127.0.0.1 (a cluster port must be known before its node starts). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  int clusterPort() {
    return clusterPort;
  }

  /**
   * Runs the node's JVM under {@code prefix} (such as {@code ip netns exec NS}, which execs it: the
   * process is still the JVM's, for signals); before {@link #start}.
   */
  ClusterChild withCommandPrefix(List<String> prefix) {
    this.commandPrefix = List.copyOf(prefix);
    return this;
  }

  /**
   * Binds the node's MQTT listener and its cluster port to {@code address} instead of 127.0.0.1
   * (without {@code --dev}, which binds 127.0.0.1, but letting anonymous clients in as it does);
   * before {@link #start}.
   */
  ClusterChild withBindAddress(String address) {
    this.bindAddress = address;
    return this;
  }

  /** The address the node listens on (MQTT and cluster). */
  String host() {
    return bindAddress == null ? "127.0.0.1" : bindAddress;
  }

  /** The node's cluster address as a seed list names it ({@code host:port}). */
  String clusterAddress() {
    return host() + ":" + clusterPort;
  }

  /** Starts the node with its HTTP API on a free port (off otherwise); before {@link #start}. */
  ClusterChild withHttp() {
    this.http = true;
    return this;
  }

  /** The node's HTTP API ({@code http://127.0.0.1:PORT}), once listening; null without one. */
  String httpUrl() {
    return httpUrl;
  }

  int mqttPort() {
    return mqttPort;
  }

  String name() {
    return name;
  }

  /** The node's data directory. */
  Path dataDir() {
    return dir.resolve("data");
  }

  /**
   * Starts the node with {@code seeds} ("host:port,..."); {@link #awaitListening} waits for its
   * MQTT listener, which opens once the node has joined the cluster.
   */
  void start(String seeds) throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("switchboard.conf");
    Files.writeString(
        config,
        // a first seed that waits 1 s, not 5, for the others: each formation is 4 s shorter
        "switchboard.cluster { unsafe-local-store = true, first-seed-wait = 1s }\n"
            + "switchboard.sys.interval = 0s\n"
            + (bindAddress == null ? "" : "switchboard.auth.allow-anonymous = true\n")
            + extraConfig);
    List<String> cmd = new ArrayList<>(commandPrefix);
    // starts faster; speed is not what these tests measure
    cmd.addAll(ChildJvm.command("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    cmd.addAll(
        List.of(
            "start",
            "--config",
            config.toString(),
            "--mqtt-port",
            "0",
            "--mqtts-port",
            "off",
            "--ws-port",
            "off",
            "--wss-port",
            "off",
            "--http-port",
            http ? "0" : "off",
            "--https-port",
            "off",
            "--data-dir",
            dataDir().toString(),
            "--cluster",
            "--cluster-port",
            String.valueOf(clusterPort),
            "--cluster-seeds",
            seeds,
            "--node-name",
            name));
    cmd.addAll(
        bindAddress == null
            ? List.of("--dev")
            : List.of("--bind", bindAddress, "--cluster-bind", bindAddress));
    process =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
  }

  /** Waits until the node's MQTT listener is open (it has joined the cluster by then). */
  void awaitListening() throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready;
    do {
      ready = out.readLine();
    } while (ready != null && !ready.startsWith("mqtt://"));
    if (ready == null) {
      process.destroyForcibly();
      throw new IOException(
          "node " + name + " did not start: " + Files.readString(dir.resolve("stderr.txt")));
    }
    mqttPort = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
    if (http) {
      // the banner's line: "console and REST API: http://127.0.0.1:PORT/ (...api/v1)"
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("console and REST API: "));
      if (line == null) {
        throw new IOException("node " + name + " printed no HTTP URL: " + log());
      }
      String url = line.substring("console and REST API: ".length()).split(" ")[0];
      httpUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  System.out.println(name + ": " + line);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            name + "-stdout");
    drain.setDaemon(true);
    drain.start();
  }

  /**
   * Whether the node's {@code switchboard cluster status} (its status file) lists a member at
   * {@code address} ({@code host:port}); true while it has no status to read yet, so that a wait
   * for a member to go does not end early.
   */
  boolean listsMember(String address) {
    CliRun r = CliRun.run(dataDir(), "cluster", "status");
    if (r.code() != 0) {
      System.out.println("cluster status failed: " + r.err());
      return true; // not known yet
    }
    return r.out().contains(address);
  }

  /** Sends the node a signal ({@code STOP}, {@code CONT}) with {@code kill}. */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** {@code kill -9}: the node ends at once, without leaving the cluster or closing anything. */
  void kill() throws IOException, InterruptedException {
    signal("KILL");
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Whether the node's process still runs. */
  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * The node's threads, as {@code jcmd PID Thread.print} prints them: for a test that finds the
   * node stuck, to say where.
   */
  String threadDump() throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()),
                "Thread.print")
            .redirectErrorStream(true)
            .start();
    String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jcmd.waitFor(30, TimeUnit.SECONDS);
    return dump;
  }

  /** What the node logged (its standard error). */
  String log() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  /**
   * Starts {@code nodes} with one seed list naming them all (each as {@link #clusterAddress}), the
   * last first (a node listens once it has joined, and the first seed waits for the others), and
   * waits until each listens. Returns the seed list, for a node started again later.
   */
  static String startAll(List<ClusterChild> nodes) throws IOException {
    String seeds = String.join(",", nodes.stream().map(ClusterChild::clusterAddress).toList());
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).start(seeds);
    }
    for (ClusterChild n : nodes) {
      n.awaitListening();
    }
    return seeds;
  }

  /**
   * Prints the lines of each node's log that {@code which} picks, named by node: what went on in
   * the nodes is in their logs, not in the assertions, and is shown for the reader.
   */
  static void printLogs(List<ClusterChild> nodes, Predicate<String> which) throws IOException {
    for (ClusterChild n : nodes) {
      n.log().lines().filter(which).forEach(l -> System.out.println(n.name() + " log: " + l));
    }
  }

  /** SIGTERM: the node closes its listeners, leaves the cluster and stops; {@link #awaitStop}. */
  void stop() {
    if (process != null) {
      process.destroy();
    }
  }

  /** Waits for a stopped node to end (SIGKILL after 30 s). */
  void awaitStop() throws InterruptedException {
    if (process != null && !process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
