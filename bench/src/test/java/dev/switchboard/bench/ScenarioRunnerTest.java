package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's edges that need no broker: stopped before it starts, nobody listening. */
class ScenarioRunnerTest {

  private static Scenario idle(int n, Duration duration) {
    return new Scenario(
        "idle", List.of(), List.of(), n, 0, 256, duration, Duration.ZERO, Duration.ZERO);
  }

  /** A loopback port bound by no listener: connections to it are refused, nobody can take it. */
  private static Socket refusingPort() throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return s;
  }

  @Test
  void stoppedBeforeItStartsItConnectsNothingAndStillReturnsItsFigures() throws Exception {
    try (Socket port = refusingPort()) {
      ScenarioRunner runner =
          new ScenarioRunner(
              Endpoint.tcp("127.0.0.1", port.getLocalPort()),
              ClientOptions.defaults("t-"),
              1,
              0,
              null);
      runner.stop();

      // The clients were created but never connected; closing them must not fail.
      RunResult r = runner.run(idle(3, Duration.ofSeconds(1)));

      assertThat(r.connections()).isEqualTo(3);
      assertThat(r.connected()).isZero();
      assertThat(r.connectFailed()).isZero();
      assertThat(r.errors()).isZero();
    }
  }

  // A hang guard, not a speed check: before the fix a run until Ctrl-C waited forever here.
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void whenNoClientGetsUpARunWithoutDurationEndsAndCountsTheFailures() throws Exception {
    try (Socket port = refusingPort()) {
      ScenarioRunner runner =
          new ScenarioRunner(
              Endpoint.tcp("127.0.0.1", port.getLocalPort()),
              ClientOptions.defaults("t-"),
              1,
              0,
              null);

      RunResult r = runner.run(idle(4, Duration.ZERO));

      assertThat(r.connected()).isZero();
      assertThat(r.connectFailed()).isEqualTo(4);
      assertThat(r.errors()).as("one error per failed client").isEqualTo(4);
      assertThat(r.errorCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
      assertThat(r.summary()).contains("0 of 4 up").contains("4 failed");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void connectionsComeFromTheSourceAddressesInTurn() throws Exception {
    List<InetAddress> sources =
        List.of(
            InetAddress.getByAddress(new byte[] {127, 0, 0, 2}),
            InetAddress.getByAddress(new byte[] {127, 0, 0, 3}));
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<InetAddress> seen = new CopyOnWriteArrayList<>();
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (seen.size() < 4) {
                        Socket s = server.accept();
                        accepted.add(s);
                        seen.add(s.getInetAddress());
                      }
                    } catch (IOException e) {
                      // the server closed: the test is over
                    }
                  });
      ScenarioRunner runner =
          new ScenarioRunner(
              Endpoint.tcp("127.0.0.1", server.getLocalPort()),
              ClientOptions.defaults("t-").withSourceAddresses(sources),
              1,
              0,
              null);
      Thread run =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      runner.run(idle(4, Duration.ZERO));
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });

      acceptor.join();
      runner.stop();
      run.join();
      for (Socket s : accepted) {
        s.close();
      }

      assertThat(seen).hasSize(4);
      assertThat(seen).containsOnly(sources.toArray(InetAddress[]::new));
      assertThat(seen).contains(sources.get(0), sources.get(1));
    }
  }

  @Test
  void deliveredRatioIsReceivedOverExpectedAndUndefinedWithoutPublishers() {
    Scenario pubSub =
        new Scenario(
            "p",
            List.of(new Scenario.PublisherGroup(1, 10, 1, 64, "t", 64)),
            List.of(new Scenario.SubscriberGroup(1, 1, "t")),
            0,
            0,
            256,
            Duration.ofSeconds(1),
            Duration.ZERO,
            Duration.ZERO);
    Scenario subOnly =
        new Scenario(
            "s",
            List.of(),
            List.of(new Scenario.SubscriberGroup(1, 1, "t")),
            0,
            0,
            256,
            Duration.ofSeconds(1),
            Duration.ZERO,
            Duration.ZERO);

    assertThat(ScenarioRunner.deliveredRatio(pubSub, 30, 40)).isEqualTo(0.75);
    assertThat(ScenarioRunner.deliveredRatio(pubSub, 0, 0)).isEqualTo(1.0);
    assertThat(ScenarioRunner.deliveredRatio(subOnly, 25, 0)).isNaN();
  }
}
