package dev.switchboard.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.app.CliRun;
import dev.switchboard.store.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stash across {@code kill -9}: a broker in a child process, a publisher sending QoS 1 messages
 * one after the other, killed at random moments and started again on the same data; the stash,
 * added and read with {@code switchboard stashes} (another process's view of {@code stashes.db},
 * even while the broker runs), holds every message whose PUBACK the publisher got.
 */
class StashCrashTest {
  static final int ROUNDS = 5;

  @TempDir Path dir;

  private Path config;

  private CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config.toString());
    return CliRun.run(dir.resolve("data"), all.toArray(String[]::new));
  }

  @Test
  @DisplayName(
      "SQLite, strict: every QoS 1 message acknowledged before a kill -9 is in the stash after it")
  void sqlite() throws Exception {
    config = dir.resolve("switchboard.conf");
    Files.writeString(config, "switchboard.store { type = sqlite, durability = strict }\n");
    acknowledgedMessagesSurviveKill();
  }

  @Test
  @DisplayName(
      "PostgreSQL, strict: every QoS 1 message acknowledged before a kill -9 is in the stash")
  void postgresql() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      config = dir.resolve("switchboard.conf");
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
      acknowledgedMessagesSurviveKill();
    }
  }

  private void acknowledgedMessagesSurviveKill() throws Exception {
    CliRun added = cli("stashes", "add", "all", "--filter", "stash/#");
    assertThat(added.code()).as(added.err()).isZero();
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("stash crash test seed " + seed);
    Random random = new Random(seed);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    int[] next = {0};
    try (BrokerChild broker = new BrokerChild(dir, config)) {
      int port = broker.start(0);
      for (int round = 1; round <= ROUNDS; round++) {
        Thread publisher = publish(port, next, acknowledged);
        Thread.sleep(200 + random.nextInt(400));
        if (round == 1) {
          CliRun listed = cli("stashes", "list");
          assertThat(listed.code()).as("read beside the running broker: " + listed.err()).isZero();
          assertThat(listed.out()).contains("all");
        }
        broker.kill();
        publisher.join(10_000);
        assertThat(broker.start(port)).isEqualTo(port);
      }
      assertThat(broker.stop()).isZero();
    }
    CliRun download = cli("stashes", "download", "all", "--format", "ndjson");
    assertThat(download.code()).as(download.err()).isZero();
    Set<String> stashed = new HashSet<>();
    download
        .out()
        .lines()
        .forEach(
            line -> {
              int at = line.indexOf("\"payload\":\"") + 11;
              String b64 = line.substring(at, line.indexOf('"', at));
              stashed.add(new String(Base64.getDecoder().decode(b64), StandardCharsets.US_ASCII));
            });
    System.out.printf("acknowledged %d, stashed %d%n", acknowledged.size(), stashed.size());
    assertThat(acknowledged.size())
        .as("messages acknowledged over the rounds")
        .isGreaterThan(ROUNDS);
    assertThat(stashed).as("every acknowledged message in the stash").containsAll(acknowledged);
  }

  /** Publishes s1, s2, ... at QoS 1 one at a time until the connection dies. */
  private static Thread publish(int port, int[] next, Set<String> acknowledged) {
    Thread t =
        new Thread(
            () -> {
              try (MiniClient c = new MiniClient(port, "stash-pub", true)) {
                c.readTimeout(10_000);
                while (true) {
                  String payload = "s" + (++next[0]);
                  int id = (next[0] % 60_000) + 1;
                  c.publish(
                      id, "stash/t", payload.getBytes(StandardCharsets.US_ASCII), 1, false, false);
                  MiniClient.Packet ack = c.read();
                  if (ack.type() == MiniClient.PUBACK && ack.packetId() == id) {
                    acknowledged.add(payload);
                  }
                }
              } catch (IOException | RuntimeException e) {
                // killed: the round ends
              }
            },
            "stash-publisher");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
