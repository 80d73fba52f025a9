package dev.switchboard.microbench;

import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.mqtt.topic.Topics;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Routing lookups: {@link SubscriptionIndex#match} against a realistic IoT index, and {@link
 * Topics#matches} for one filter and one topic.
 *
 * <p>The index ({@link IndexState}) holds 100,004 subscriptions of 100 sites with 100 devices each,
 * every device reporting 8 metrics on {@code site/{s}/device/{d}/{metric}}:
 *
 * <ul>
 *   <li>80,000 exact filters: a digital twin per device subscribed to its 8 metrics;
 *   <li>10,000 {@code site/{s}/+/{d}/temp}: an alarm rule per device;
 *   <li>9,600 {@code site/{s}/device/+/{metric}}: 12 dashboards per site, each on the 8 metrics;
 *   <li>400 {@code site/{s}/#}: 4 historians per site;
 *   <li>3 {@code #}: archivers, which is why only {@code $} topics can match nobody [MQTT-4.7.2-1];
 *   <li>1 {@code $SYS/broker/clients/connected}: a monitoring client.
 * </ul>
 *
 * <p>The {@code topics} parameter picks what is published (1,024 topics of that kind, taken in turn
 * so that the walk touches different parts of the trie as real traffic does):
 *
 * <ul>
 *   <li>{@code sysNone}: {@code $SYS/broker/...} topics nobody subscribed to: 0 matches;
 *   <li>{@code sysOne}: {@code $SYS/broker/clients/connected}: 1 match;
 *   <li>{@code gateway}: {@code site/{s}/gateway/{g}/status}: 7 matches (historians and archivers);
 *   <li>{@code device}: {@code site/{s}/device/{d}/{metric}}: 20 matches, 21 for {@code temp};
 *   <li>{@code mixed}: 10% sysNone, 20% gateway, 70% device.
 * </ul>
 *
 * <p>Why it matters: the match runs once per published message on the publisher's event loop,
 * lock-free while subscribes happen on other loops; its cost grows with the number of trie branches
 * a topic opens ({@code +} and {@code #} at each level) and with the fan-out. The sink counts
 * matches and hands each subscriber to the {@link Blackhole}, a lower bound on the router's
 * per-match work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicMatchBench {
  static final int SITES = 100;
  static final int DEVICES_PER_SITE = 100;
  static final String[] METRICS = {
    "temp", "humidity", "pressure", "co2", "battery", "rssi", "status", "firmware"
  };
  static final int DASHBOARDS_PER_SITE = 12;
  static final int HISTORIANS_PER_SITE = 4;
  static final int ARCHIVERS = 3;
  static final String SYS_MONITORED = "$SYS/broker/clients/connected";
  static final String[] SYS_UNWATCHED = {
    "$SYS/broker/uptime",
    "$SYS/broker/bytes/sent",
    "$SYS/broker/messages/received",
    "$SYS/broker/clients/total",
    "$SYS/broker/subscriptions/count",
  };

  /** The loaded index and the topics to publish; built once per fork (about 0.3 s). */
  @State(Scope.Benchmark)
  public static class IndexState {
    @Param({"sysNone", "sysOne", "gateway", "device", "mixed"})
    public String topics;

    final SubscriptionIndex<String> index = new SubscriptionIndex<>();
    String[] published;

    @Setup(Level.Trial)
    public void setUp() {
      load(index);
      published = topics(topics, 1024, new Random(42));
      long total = 0;
      CountingSink sink = new CountingSink();
      for (String t : published) {
        sink.count = 0;
        index.match(t, sink);
        total += sink.count;
      }
      System.out.printf(
          "%n# index: %,d subscriptions; topics '%s': %.2f matches on average%n",
          index.size(), topics, (double) total / published.length);
    }
  }

  /** Per thread: the position in the topic list and the sink. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    final CountingSink sink = new CountingSink();
  }

  /** One filter against one topic; the cases differ in where and how the walk ends. */
  @State(Scope.Thread)
  public static class FilterState {
    /**
     * {@code exact}: equal strings (match); {@code plus}: {@code site/42/+/17/temp} (match); {@code
     * hash}: {@code site/42/#} (match after two levels); {@code missLast}: differs only in the last
     * level (no match).
     */
    @Param({"exact", "plus", "hash", "missLast"})
    public String filterCase;

    String filter;
    String topic;

    @Setup(Level.Trial)
    public void setUp() {
      // A fresh String, so that an equal filter is not the same object as the topic.
      topic = new String("site/42/device/17/temp");
      filter =
          switch (filterCase) {
            case "exact" -> new String("site/42/device/17/temp");
            case "plus" -> "site/42/+/17/temp";
            case "hash" -> "site/42/#";
            case "missLast" -> "site/42/device/17/humidity";
            default -> throw new IllegalArgumentException(filterCase);
          };
    }
  }

  static final class CountingSink implements SubscriptionIndex.MatchSink<String> {
    int count;
    Blackhole blackhole;

    @Override
    public void subscriber(String subscriber, String filterKey) {
      count++;
      if (blackhole != null) {
        blackhole.consume(subscriber);
      }
    }

    @Override
    public void sharedGroup(SubscriptionIndex.SharedGroup<String> group) {
      count++;
      if (blackhole != null) {
        blackhole.consume(group);
      }
    }
  }

  @Benchmark
  public int match(IndexState state, Cursor cursor, Blackhole blackhole) {
    String[] published = state.published;
    String topic = published[cursor.next++ & (published.length - 1)];
    CountingSink sink = cursor.sink;
    sink.count = 0;
    sink.blackhole = blackhole;
    state.index.match(topic, sink);
    return sink.count;
  }

  @Benchmark
  public boolean topicsMatches(FilterState state) {
    return Topics.matches(state.filter, state.topic);
  }

  // ------------------------------------------------------------------------------------------

  static void load(SubscriptionIndex<String> index) {
    for (int s = 0; s < SITES; s++) {
      for (int d = 0; d < DEVICES_PER_SITE; d++) {
        String twin = "twin-" + s + "-" + d;
        for (String m : METRICS) {
          index.subscribe(twin, "site/" + s + "/device/" + d + "/" + m);
        }
        index.subscribe("alarm-" + s + "-" + d, "site/" + s + "/+/" + d + "/temp");
      }
      for (int k = 0; k < DASHBOARDS_PER_SITE; k++) {
        String dashboard = "dashboard-" + s + "-" + k;
        for (String m : METRICS) {
          index.subscribe(dashboard, "site/" + s + "/device/+/" + m);
        }
      }
      for (int h = 0; h < HISTORIANS_PER_SITE; h++) {
        index.subscribe("historian-" + s + "-" + h, "site/" + s + "/#");
      }
    }
    for (int a = 0; a < ARCHIVERS; a++) {
      index.subscribe("archiver-" + a, "#");
    }
    index.subscribe("monitor", SYS_MONITORED);
  }

  static String[] topics(String kind, int n, Random random) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      String k = kind;
      if (kind.equals("mixed")) {
        int r = random.nextInt(10);
        k = r == 0 ? "sysNone" : r <= 2 ? "gateway" : "device";
      }
      out[i] =
          switch (k) {
            case "sysNone" -> SYS_UNWATCHED[random.nextInt(SYS_UNWATCHED.length)];
            case "sysOne" -> SYS_MONITORED;
            case "gateway" ->
                "site/" + random.nextInt(SITES) + "/gateway/" + random.nextInt(4) + "/status";
            case "device" ->
                "site/"
                    + random.nextInt(SITES)
                    + "/device/"
                    + random.nextInt(DEVICES_PER_SITE)
                    + "/"
                    + METRICS[random.nextInt(METRICS.length)];
            default -> throw new IllegalArgumentException("unknown topics: " + kind);
          };
    }
    return out;
  }
}
