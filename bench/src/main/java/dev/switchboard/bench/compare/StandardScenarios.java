package dev.switchboard.bench.compare;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.Scenario.PublisherGroup;
import dev.switchboard.bench.Scenario.SubscriberGroup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios {@code bench compare} runs against each broker.
 *
 * @param scale multiplies every client count (1 for the standard figures; the smoke test uses a
 *     small fraction so the tool is exercised in seconds)
 */
public record StandardScenarios(Duration duration, Duration warmup, int idle, double scale) {

  /** What a scenario's figures are judged by. */
  public enum Kind {
    THROUGHPUT,
    LATENCY,
    CONNECTIONS
  }

  /** A standard scenario and how to read it. */
  public record Entry(Scenario scenario, Kind kind) {}

  public List<Entry> all() {
    List<Entry> list = new ArrayList<>();
    for (int size : new int[] {64, 1024}) {
      String label = size == 64 ? "64B" : "1KB";
      list.add(
          new Entry(
              traffic(
                  "fan-in-qos0-" + label,
                  new PublisherGroup(n(10), 0, 0, size, "bench/fanin/%i", 64),
                  new SubscriberGroup(1, 0, "bench/fanin/#")),
              Kind.THROUGHPUT));
    }
    list.add(
        new Entry(
            traffic(
                "fan-out-qos0",
                new PublisherGroup(1, 0, 0, 64, "bench/fanout", 64),
                new SubscriberGroup(n(1000), 0, "bench/fanout")),
            Kind.THROUGHPUT));
    list.add(
        new Entry(
            traffic(
                "p2p-qos1",
                new PublisherGroup(n(100), 0, 1, 64, "bench/p2p/%i", 64),
                new SubscriberGroup(n(100), 1, "bench/p2p/%i")),
            Kind.THROUGHPUT));
    for (int qos = 0; qos <= 1; qos++) {
      list.add(
          new Entry(
              traffic(
                  "latency-qos" + qos,
                  new PublisherGroup(n(10), 1000, qos, 64, "bench/lat/%i", 64),
                  new SubscriberGroup(n(10), qos, "bench/lat/%i")),
              Kind.LATENCY));
    }
    int idleCount = Math.max(1, (int) Math.round(idle * Math.min(1, scale)));
    list.add(
        new Entry(
            new Scenario(
                "idle-" + idleCount,
                List.of(),
                List.of(),
                idleCount,
                0,
                256,
                Duration.ofSeconds(Math.max(2, Math.min(5, duration.toSeconds()))),
                Duration.ZERO,
                Duration.ZERO),
            Kind.CONNECTIONS));
    return list;
  }

  /**
   * Publishers and subscribers connected as fast as they can, run for {@link #duration} after
   * {@link #warmup}, with 2 s for the messages still on their way.
   */
  private Scenario traffic(String name, PublisherGroup publishers, SubscriberGroup subscribers) {
    return new Scenario(
        name,
        List.of(publishers),
        List.of(subscribers),
        0,
        0,
        256,
        duration,
        warmup,
        Duration.ofSeconds(2));
  }

  /** Unrecorded: warms the generator's code paths (QoS 0 and 1, publish and receive, connect). */
  public static Scenario generatorWarmup() {
    return new Scenario(
        "generator-warmup",
        List.of(
            new PublisherGroup(4, 0, 0, 64, "bench/warm/0/%i", 64),
            new PublisherGroup(4, 0, 1, 64, "bench/warm/1/%i", 64)),
        List.of(new SubscriberGroup(2, 1, "bench/warm/#")),
        500,
        0,
        256,
        Duration.ofSeconds(3),
        Duration.ZERO,
        Duration.ofSeconds(1));
  }

  /** Unrecorded: a smaller connection storm before the measured one, on the same broker. */
  public static Scenario connectionWarmup(int measured) {
    return new Scenario(
        "connection-warmup",
        List.of(),
        List.of(),
        Math.max(1, Math.min(5000, measured / 4)),
        0,
        256,
        Duration.ofMillis(200),
        Duration.ZERO,
        Duration.ZERO);
  }

  private int n(int count) {
    return Math.max(1, (int) Math.round(count * scale));
  }

  /**
   * The client options of a connection storm: unless the user chose source addresses, the
   * connections come from {@link #STORM_SOURCES} loopback addresses in turn. Linux's {@code
   * connect()} takes the first free port of one parity for a (source, destination) pair, and once
   * half of the ephemeral range is taken for that pair (14,116 of 28,232 ports by default, closed
   * connections in TIME_WAIT included) it searches the whole half for every further connection: the
   * generator, not the broker, then sets the rate (measured: about 8,000 connects/s falling to
   * about 1,200/s after 14,000 connections, with the broker's loops idle). Every broker gets the
   * same spread.
   */
  public static ClientOptions stormClient(ClientOptions client) {
    if (!client.sourceAddresses().isEmpty()) {
      return client;
    }
    List<InetAddress> sources = new ArrayList<>();
    for (int i = 1; i <= STORM_SOURCES; i++) {
      try {
        sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // four bytes are always an address
      }
    }
    return client.withSourceAddresses(sources);
  }

  /** Loopback source addresses of a connection storm: 127.0.0.1 to 127.0.0.8. */
  public static final int STORM_SOURCES = 8;
}
