package dev.switchboard.app;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.bench.ScenarioRunner;
import dev.switchboard.bench.compare.BrokerLauncher;
import dev.switchboard.bench.compare.BrokerProcess;
import dev.switchboard.bench.compare.ScratchDirectory;
import dev.switchboard.bench.compare.StandardScenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a benchmark that starts a broker per run works: a temporary directory, removed at the end,
 * and the broker process of the run under way, which a Ctrl-C (the JVM's shutdown) closes so that
 * no broker is left behind.
 */
final class BenchWorkspace implements AutoCloseable {
  private final Path dir;
  private final Thread closeLive;
  private volatile BrokerProcess live;

  private BenchWorkspace(Path dir, String name) {
    this.dir = dir;
    this.closeLive =
        new Thread(
            () -> {
              BrokerProcess p = live;
              if (p != null) {
                p.close();
              }
            },
            name + "-cleanup");
    Runtime.getRuntime().addShutdownHook(closeLive);
  }

  /** A fresh temporary directory named after {@code name} ({@code bench-hubs}). */
  static BenchWorkspace create(String name) throws IOException {
    return new BenchWorkspace(Files.createTempDirectory("switchboard-" + name + "-"), name);
  }

  /** A directory of its own for one run (or the generator's warm-up). */
  Path runDirectory(String run) {
    return dir.resolve(run);
  }

  /** {@code p} is the broker of the run under way, or none when null. */
  void live(BrokerProcess p) {
    live = p;
  }

  /**
   * An unrecorded run of the generator's code paths against a plain Switchboard, so that the first
   * recorded run does not measure the generator's own warm-up.
   */
  void warmUpGenerator(String clientPrefix, int threads) throws IOException, InterruptedException {
    BrokerLauncher plain = SwitchboardProcess.launcher();
    try (BrokerProcess p = plain.start(BrokerLauncher.freePort(), runDirectory("warmup"))) {
      live(p);
      ClientOptions options = plain.clientOptions(ClientOptions.defaults(clientPrefix));
      new ScenarioRunner(Endpoint.tcp("127.0.0.1", p.port()), options, threads, 0, null)
          .run(StandardScenarios.generatorWarmup());
    } finally {
      live(null);
    }
  }

  @Override
  public void close() {
    Runtime.getRuntime().removeShutdownHook(closeLive);
    ScratchDirectory.delete(dir);
  }
}
