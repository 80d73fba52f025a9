package dev.switchboard.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker in a child process, QoS 1 and QoS 2 traffic between persistent sessions, {@code kill -9}
 * at random moments and a restart on the same data, round after round: every acknowledged message
 * is delivered, no QoS 2 message twice, the retained message never older than the last one
 * acknowledged, and both sessions present after every restart.
 */
class CrashRecoveryTest {
  static final int ROUNDS = 20;

  @TempDir Path dir;

  @Test
  @DisplayName("SQLite, strict: 20 kill -9 rounds lose nothing acknowledged, duplicate no QoS 2")
  void sqlite() throws Exception {
    Path config = dir.resolve("switchboard.conf");
    Files.writeString(config, "switchboard.store { type = sqlite, durability = strict }\n");
    killAndRestart(config, Long.getLong("crash.seed", System.nanoTime()));
  }

  @Test
  @DisplayName(
      "PostgreSQL, strict: 20 kill -9 rounds lose nothing acknowledged, duplicate no QoS 2")
  void postgresql() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      Path config = dir.resolve("switchboard.conf");
      Files.writeString(
          config,
          "switchboard.store {\n"
              + "  type = postgresql, durability = strict\n"
              + "  postgresql { url = \""
              + pg.newDatabase()
              + "\", user = \""
              + pg.user()
              + "\", password = \""
              + pg.password()
              + "\" }\n"
              + "}\n");
      killAndRestart(config, Long.getLong("crash.seed", System.nanoTime()));
    }
  }

  static void killAndRestart(Path config, long seed) throws Exception {
    Path dir = config.getParent();
    Random random = new Random(seed);
    System.out.println("crash test seed " + seed + " (-Dcrash.seed=" + seed + " repeats it)");
    try (BrokerChild broker = new BrokerChild(dir, config)) {
      int port = broker.start(0);
      List<String> rounds = new ArrayList<>();
      try (CrashTraffic traffic = new CrashTraffic(broker)) {
        traffic.start();
        for (int round = 1; round <= ROUNDS; round++) {
          int before = traffic.acknowledgedCount();
          Thread.sleep(150 + random.nextInt(600));
          int lastRetained = traffic.lastAcknowledgedRetained();
          broker.kill();
          int acknowledged = traffic.acknowledgedCount();
          rounds.add("round " + round + ": " + (acknowledged - before) + " acknowledged");
          assertThat(broker.start(port)).isEqualTo(port);
          assertRetainedAtLeast(port, lastRetained, round);
        }
        traffic.stopPublishing();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline
            && !(traffic.publisherDone()
                && traffic.received().keySet().containsAll(traffic.acknowledged()))) {
          Thread.sleep(50);
        }
        System.out.println("publisher done: " + traffic.publisherDone() + " " + traffic.inFlight());
        Set<Integer> missing = new java.util.TreeSet<>(traffic.acknowledged());
        missing.removeAll(traffic.received().keySet());
        if (!missing.isEmpty()) {
          System.out.println("acknowledged, not delivered: " + missing);
          System.out.println(broker.lastStderr());
        }
        Set<Integer> acknowledged = traffic.acknowledged();
        Map<Integer, Integer> received = traffic.received();
        System.out.println(String.join("\n", rounds));
        System.out.printf(
            "sent %d, acknowledged %d, received %d distinct%n",
            traffic.sent(), acknowledged.size(), received.size());
        assertThat(traffic.problems).as("what the clients saw go wrong").isEmpty();
        assertThat(acknowledged.size())
            .as("messages acknowledged over the rounds")
            .isGreaterThan(ROUNDS);
        assertThat(received.keySet())
            .as("every acknowledged message delivered")
            .containsAll(acknowledged);
        List<Integer> qos2Twice = new ArrayList<>();
        received.forEach(
            (n, count) -> {
              if (CrashTraffic.qosOf(n) == 2 && count > 1) {
                qos2Twice.add(n);
              }
            });
        assertThat(qos2Twice).as("QoS 2 messages delivered more than once").isEmpty();
        assertThat(received.keySet())
            .as("nothing delivered that was never sent")
            .allMatch(n -> n >= 1 && n <= traffic.sent());
      }
      assertThat(broker.stop()).as("exit code after SIGTERM").isZero();
    }
  }

  /** A fresh client's view of {@code crash/r}: the retained message there is at least {@code m}. */
  private static void assertRetainedAtLeast(int port, int lastAcknowledged, int round)
      throws IOException {
    try (MiniClient probe = new MiniClient(port, "crash-probe", true)) {
      probe.readTimeout(10_000);
      probe.subscribe(1, "crash/r", 1);
      assertThat(probe.read().type()).isEqualTo(MiniClient.SUBACK);
      if (lastAcknowledged == 0) {
        return;
      }
      MiniClient.Packet p = probe.read();
      assertThat(p.type())
          .as("retained message after restart " + round)
          .isEqualTo(MiniClient.PUBLISH);
      assertThat(p.retain()).isTrue();
      int n = Integer.parseInt(new String(p.payload(), StandardCharsets.US_ASCII).substring(1));
      assertThat(n)
          .as("retained message after restart %d (last acknowledged m%d)", round, lastAcknowledged)
          .isGreaterThanOrEqualTo(lastAcknowledged);
    }
  }
}
