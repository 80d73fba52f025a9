package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.bench.Scenario.PublisherGroup;
import dev.switchboard.bench.Scenario.SubscriberGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Scenario files (HOCON): every key, the defaults, and one clear line for every mistake. */
class ScenarioTest {
  @TempDir Path dir;

  private Path file(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private Path scenario(String text) throws IOException {
    return file("s.conf", text);
  }

  @Test
  void loadsEveryKey() throws IOException {
    Path f =
        file(
            "full.conf",
            """
            name = "pairs"
            publishers = [
              { count = 3, rate = 250.5, qos = 1, size = 128, topic = "t/%i", inflight = 16 }
              { count = 1, rate = max, qos = 2, size = 8, topic = "all" }
            ]
            subscribers = [
              { count = 3, qos = 1, topic = "t/%i" }
              { count = 2, qos = 0, topic = "t/#", persistent = true }
            ]
            idle = 5
            connect-rate = 100
            max-pending = 10
            duration = 30s
            warmup = 5s
            drain = 500ms
            """);

    Scenario s = Scenario.load(f);

    assertThat(s.name()).isEqualTo("pairs");
    assertThat(s.publishers())
        .containsExactly(
            new PublisherGroup(3, 250.5, 1, 128, "t/%i", 16),
            new PublisherGroup(1, 0, 2, 8, "all", 64));
    assertThat(s.subscribers())
        .containsExactly(
            new SubscriberGroup(3, 1, "t/%i", false), new SubscriberGroup(2, 0, "t/#", true));
    assertThat(s.idle()).isEqualTo(5);
    assertThat(s.connectRate()).isEqualTo(100);
    assertThat(s.maxPending()).isEqualTo(10);
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.warmup()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.drain()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.connections()).isEqualTo(3 + 1 + 3 + 2 + 5);
  }

  @Test
  void leavesOutKeysToTheirDefaults() throws IOException {
    Scenario s = Scenario.load(file("quick-look.conf", "publishers = [ { topic = a } ]\n"));

    assertThat(s.name()).as("the file name without .conf").isEqualTo("quick-look");
    assertThat(s.publishers()).containsExactly(new PublisherGroup(1, 0, 0, 64, "a", 64));
    assertThat(s.subscribers()).isEmpty();
    assertThat(s.idle()).isZero();
    assertThat(s.connectRate()).isZero();
    assertThat(s.maxPending()).isEqualTo(256);
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.warmup()).isZero();
    assertThat(s.drain()).isEqualTo(Duration.ofSeconds(2));

    Scenario subs = Scenario.load(file("subs.conf", "subscribers = [ { topic = \"a/#\" } ]"));
    assertThat(subs.subscribers()).containsExactly(new SubscriberGroup(1, 0, "a/#"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"max", "MAX", "\"max\""})
  void rateMaxMeansAsFastAsPossible(String max) throws IOException {
    Scenario s =
        Scenario.load(
            scenario(
                "connect-rate = " + max + "\npublishers = [{ topic = a, rate = " + max + "}]"));

    assertThat(s.publishers().get(0).rate()).isZero();
    assertThat(s.connectRate()).isZero();
  }

  @Test
  void anUnknownTopLevelKeyIsRefusedNamingTheKeyAndTheFile() throws IOException {
    Path f = scenario("publisher = [ { topic = a } ]\n");

    assertThatThrownBy(() -> Scenario.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining("unknown key 'publisher'")
        .hasMessageContaining("publishers");
  }

  @Test
  void anUnknownKeyInAGroupIsRefusedNamingTheKeyTheGroupAndTheFile() throws IOException {
    Path pubs = file("p.conf", "publishers = [ { topic = a, qos1 = 1 } ]\n");
    Path subs = file("s.conf", "subscribers = [ { topic = a, size = 10 } ]\n");

    assertThatThrownBy(() -> Scenario.load(pubs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(pubs + ": ")
        .hasMessageContaining("unknown key 'qos1' in publishers");
    assertThatThrownBy(() -> Scenario.load(subs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(subs + ": ")
        .hasMessageContaining("unknown key 'size' in subscribers");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "publishers = [ { topic = \"a/+/b\" } ]             | 'a/+/b' is not a valid topic name",
        "publishers = [ { topic = \"a/#\" } ]               | 'a/#' is not a valid topic name",
        "publishers = [ { topic = \"\" } ]                  | publishers.topic is empty",
        "subscribers = [ { topic = \"a/#/b\" } ]            | 'a/#/b' is not a valid topic filter",
        "subscribers = [ { topic = \"a+\" } ]               | 'a+' is not a valid topic filter",
        "duration = 5s, warmup = 5s, idle = 1              | warmup (PT5S) must be shorter than duration (PT5S)",
        "duration = 5s, warmup = 9s, idle = 1              | warmup (PT9S) must be shorter than duration (PT5S)",
        "publishers = [ { topic = a, size = 4 } ]          | publishers.size 4 must be between 8",
        "publishers = [ { topic = a, size = 20000000 } ]   | publishers.size 20000000 must be between 8",
        "idle = -1                                         | idle must not be negative",
        "publishers = [ { topic = a, count = -2 } ]        | publishers.count must be at least 1",
        "subscribers = [ { topic = a, count = 0 } ]        | subscribers.count must be at least 1",
        "publishers = [ { topic = a, rate = -5 } ]         | rate must be a positive number or max, not -5",
        "publishers = [ { topic = a, rate = fast } ]       | rate must be a positive number or max, not 'fast'",
        "connect-rate = -1, idle = 1                       | connect-rate must be a positive number or max",
        "publishers = [ { topic = a, qos = 3 } ]           | publishers.qos 3 is not 0, 1 or 2",
        "subscribers = [ { topic = a, qos = -1 } ]         | subscribers.qos -1 is not 0, 1 or 2",
        "subscribers = [ { topic = a, persistent = maybe } ] | persistent",
        "publishers = [ { topic = a, inflight = 0 } ]      | publishers.inflight must be between 1 and 32768",
        "max-pending = 0, idle = 1                         | max-pending must be at least 1",
        "duration = -1s, idle = 1                          | durations must not be negative",
        "drain = -1s, idle = 1                             | durations must not be negative",
        "name = empty                                      | the scenario has no clients",
        "publishers = [ { count = 2 } ]                    | topic",
      })
  void aBadValueIsOneLineNamingTheFile(String text, String expected) throws IOException {
    Path f = scenario(text);

    assertThatThrownBy(() -> Scenario.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aFileThatIsNotThereOrNotHoconIsRefusedNamingIt() throws IOException {
    Path missing = dir.resolve("missing.conf");
    Path broken = scenario("publishers = [ { topic = a \n");

    assertThatThrownBy(() -> Scenario.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot read scenario file " + missing);
    assertThatThrownBy(() -> Scenario.load(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(broken + ": ");
  }

  @Test
  void everyScenarioShippedInBenchScenariosLoads() throws IOException {
    // Surefire runs in the module's directory; the files are documentation users copy from.
    Path shipped = Path.of("scenarios");
    assumeTrue(Files.isDirectory(shipped), "no bench/scenarios directory");
    List<Path> files;
    try (Stream<Path> s = Files.list(shipped)) {
      files = s.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Scenario s = Scenario.load(f);
      assertThat(s.connections()).as("%s", f).isPositive();
      for (PublisherGroup g : s.publishers()) {
        assertThat(s.receiversOf(g.topicOf(0)))
            .as("%s: the subscribers receive what the publishers send", f)
            .isPositive();
      }
    }
  }

  @Test
  void receiversOfCountsEachMatchingSubscriberOnce() {
    Scenario s =
        new Scenario(
            "r",
            List.of(new PublisherGroup(3, 10, 1, 64, "p2p/%i", 64)),
            List.of(
                new SubscriberGroup(3, 1, "p2p/%i"),
                new SubscriberGroup(2, 0, "p2p/#"),
                new SubscriberGroup(1, 0, "+/+"),
                new SubscriberGroup(4, 0, "other/%i/+")),
            0,
            0,
            256,
            Duration.ofSeconds(10),
            Duration.ZERO,
            Duration.ZERO);

    // p2p/1: its own pair subscriber (p2p/1), both p2p/#, and +/+.
    assertThat(s.receiversOf("p2p/1")).isEqualTo(1 + 2 + 1);
    // p2p/7: no pair subscriber with index 7.
    assertThat(s.receiversOf("p2p/7")).isEqualTo(2 + 1);
    assertThat(s.receiversOf("p2p/1/x")).as("p2p/# only").isEqualTo(2);
    assertThat(s.receiversOf("other/3/x")).as("other/3/+ only").isEqualTo(1);
    assertThat(s.receiversOf("other/9/x")).isZero();
    assertThat(s.receiversOf("nothing")).isZero();
    assertThat(s.publishers().get(0).topicOf(2)).isEqualTo("p2p/2");
    assertThat(s.subscribers().get(3).filterOf(0)).isEqualTo("other/0/+");
  }

  @ParameterizedTest
  @CsvSource({"max, 0", "MAX, 0", "2.5, 2.5", "1000, 1000"})
  void parseRateTakesAPositiveNumberOrMax(String text, double rate) {
    assertThat(Scenario.parseRate(text)).isEqualTo(rate);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "0", "-1", "Infinity", "NaN", ""})
  void parseRateRefusesAnythingElse(String text) {
    assertThatThrownBy(() -> Scenario.parseRate(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate must be a positive number or max, not '" + text + "'");
  }
}
