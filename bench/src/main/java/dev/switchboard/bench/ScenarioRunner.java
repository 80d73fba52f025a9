package dev.switchboard.bench;

import dev.switchboard.mqtt.packet.Subscription;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@link Scenario} against one endpoint: connects the clients at the scenario's rate, lets
 * the publishers publish, prints a line a second, and returns the figures. {@link #stop()} (from a
 * signal handler, say) ends it early; the figures are still returned.
 */
public final class ScenarioRunner {
  /** Connecting gives up when no client has become ready or failed for this long. */
  private static final long CONNECT_STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Endpoint endpoint;
  private final ClientOptions options;
  private final int threads;
  private final long brokerPid;
  private final PrintStream progress;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Endpoint publishersAt;
  private Duration settle = Duration.ZERO;

  /**
   * @param threads event loop threads of the generator
   * @param brokerPid the broker's process id, for its resident memory (0: not measured)
   * @param progress where the once-a-second lines go (null: nowhere)
   */
  public ScenarioRunner(
      Endpoint endpoint, ClientOptions options, int threads, long brokerPid, PrintStream progress) {
    this.endpoint = endpoint;
    this.options = options;
    this.threads = threads;
    this.brokerPid = brokerPid;
    this.progress = progress;
  }

  /**
   * Connects the publishers to {@code endpoint} instead (another node of a cluster, plain TCP on
   * the same host), and the subscribers and idle clients to this runner's endpoint: what crosses
   * between the nodes is measured. Before {@link #run}.
   */
  public ScenarioRunner publishersAt(Endpoint endpoint) {
    this.publishersAt = endpoint;
    return this;
  }

  /**
   * Waits {@code settle} between every client being connected (subscriptions granted) and the
   * publishers' start: the time a subscription takes to reach the other nodes of a cluster, so that
   * none of the messages counted as expected is published before a subscriber's node is known to
   * want it.
   */
  public ScenarioRunner settleBeforePublishing(Duration settle) {
    this.settle = settle;
    return this;
  }

  /** Ends the run early (any thread). */
  public void stop() {
    stopped.countDown();
  }

  private boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Waits up to {@code nanos}; true if {@link #stop()} was called. */
  private boolean await(long nanos) throws InterruptedException {
    return stopped.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  public RunResult run(Scenario scenario) throws InterruptedException {
    Stats stats = new Stats();
    AtomicInteger ready = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger firstFailuresShown = new AtomicInteger();
    BenchClient.Listener listener =
        new BenchClient.Listener() {
          @Override
          public void ready(BenchClient client) {
            ready.incrementAndGet();
          }

          @Override
          public void failed(BenchClient client, String why) {
            // the error first: the run ends when every client is ready or failed, and reads the
            // errors then
            stats.error(why);
            failed.incrementAndGet();
            if (progress != null && firstFailuresShown.getAndIncrement() < 5) {
              progress.println("client " + client.clientId() + " failed: " + why);
            }
          }

          @Override
          public void lost(BenchClient client, String why) {
            stats.error("lost: " + why);
          }
        };

    List<BenchClient> clients = new ArrayList<>();
    List<BenchClient> publishers = new ArrayList<>();
    Map<BenchClient, Integer> receivers = new HashMap<>();
    String prefix = options.clientIdPrefix();
    int n = 0;
    for (Scenario.SubscriberGroup g : scenario.subscribers()) {
      for (int i = 0; i < g.count(); i++) {
        clients.add(
            new BenchClient(
                    n++,
                    ClientNames.subscriber(prefix, clients.size()),
                    options,
                    stats,
                    listener,
                    List.of(new Subscription(g.filterOf(i), g.qos())),
                    null,
                    0,
                    1,
                    endpoint.webSocket())
                .persistentSession(g.persistent()));
      }
    }
    for (Scenario.PublisherGroup g : scenario.publishers()) {
      for (int i = 0; i < g.count(); i++) {
        String topic = g.topicOf(i);
        BenchClient c =
            new BenchClient(
                n++,
                ClientNames.publisher(prefix, publishers.size()),
                options,
                stats,
                listener,
                List.of(),
                new PublishTemplate(topic, g.qos(), g.size(), options.version()),
                g.rate(),
                g.inflight(),
                endpoint.webSocket());
        clients.add(c);
        publishers.add(c);
        receivers.put(c, scenario.receiversOf(topic));
      }
    }
    for (int i = 0; i < scenario.idle(); i++) {
      clients.add(
          new BenchClient(
              n++,
              ClientNames.idle(prefix, i),
              options,
              stats,
              listener,
              List.of(),
              null,
              0,
              1,
              endpoint.webSocket()));
    }

    long rssBefore = brokerPid > 0 ? BrokerMemory.rssKb(brokerPid) : 0;
    Reporter reporter = new Reporter(stats, ready, failed, clients.size());
    try (Transport transport = new Transport(endpoint, publishersAt, options, threads)) {
      Thread reporterThread = Thread.ofPlatform().daemon().name("bench-reporter").start(reporter);
      try {
        return drive(
            scenario,
            stats,
            transport,
            clients,
            publishers,
            receivers,
            ready,
            failed,
            reporter,
            rssBefore);
      } finally {
        reporterThread.interrupt();
        closeAll(clients, stats);
      }
    }
  }

  private RunResult drive(
      Scenario scenario,
      Stats stats,
      Transport transport,
      List<BenchClient> clients,
      List<BenchClient> publishers,
      Map<BenchClient, Integer> receivers,
      AtomicInteger ready,
      AtomicInteger failed,
      Reporter reporter,
      long rssBefore)
      throws InterruptedException {
    // Connect at the scenario's rate, never more than maxPending waiting for CONNACK.
    int total = clients.size();
    long connectStart = System.nanoTime();
    long lastProgress = connectStart;
    int lastSettled = 0;
    int next = 0;
    while (!isStopped()) {
      int settled = ready.get() + failed.get();
      long now = System.nanoTime();
      if (settled != lastSettled) {
        lastSettled = settled;
        lastProgress = now;
      } else if (now - lastProgress > CONNECT_STALL_NANOS) {
        stats.error("connecting stalled: no CONNACK for 30 s");
        break;
      }
      if (settled >= total) {
        break;
      }
      long allowed =
          scenario.connectRate() == 0
              ? total
              : Math.min(total, (long) ((now - connectStart) * scenario.connectRate() / 1e9) + 1);
      while (next < allowed && next - settled < scenario.maxPending()) {
        BenchClient c = clients.get(next++);
        ChannelFuture f = transport.connect(c);
        f.addListener(
            done -> {
              if (!done.isSuccess()) {
                c.connectFailed(describe(done.cause()));
              }
            });
      }
      LockSupport.parkNanos(200_000);
    }
    long connectEnd = System.nanoTime();
    double connectSeconds = (connectEnd - connectStart) / 1e9;
    reporter.phase("running");

    List<ScheduledFuture<?>> tickers = new ArrayList<>();
    long measureStart = System.nanoTime();
    long measureEnd = measureStart;
    long sentAtStart = 0;
    long receivedAtStart = 0;
    long sentAtEnd = 0;
    long receivedAtEnd = 0;
    double cpuAtStart = Double.NaN;
    double cpuAtEnd = Double.NaN;
    List<BenchClient> readyPublishers = new ArrayList<>();
    for (BenchClient p : publishers) {
      if (p.isReady()) {
        readyPublishers.add(p);
      }
    }
    long durationNanos = scenario.duration().toNanos();
    // With no client up there is nothing to hold or measure; without this a run with no
    // duration (until Ctrl-C) would wait forever against a broker that is not there.
    if (!isStopped() && ready.get() > 0 && !await(settle.toNanos())) {
      long start = System.nanoTime();
      startTickers(readyPublishers, tickers);
      for (BenchClient p : readyPublishers) {
        p.startPublishing(start);
      }
      long warmup = scenario.warmup().toNanos();
      if (warmup > 0) {
        await(start + warmup - System.nanoTime());
      }
      reporter.measuring(true);
      measureStart = System.nanoTime();
      cpuAtStart = BrokerCpu.seconds(brokerPid);
      sentAtStart = stats.sent.sum();
      receivedAtStart = stats.received.sum();
      if (durationNanos == 0) {
        stopped.await();
      } else {
        await(start + durationNanos - System.nanoTime());
      }
      measureEnd = System.nanoTime();
      cpuAtEnd = BrokerCpu.seconds(brokerPid);
      sentAtEnd = stats.sent.sum();
      receivedAtEnd = stats.received.sum();
      reporter.measuring(false);
      tickers.forEach(t -> t.cancel(false));
      for (BenchClient p : readyPublishers) {
        p.stopPublishing();
      }
    }
    long rssAfter = brokerPid > 0 ? BrokerMemory.rssKb(brokerPid) : 0;

    // Let the messages on their way arrive, then count.
    long expected = expected(readyPublishers, receivers);
    long drainEnd = System.nanoTime() + scenario.drain().toNanos();
    long lastReceived = -1;
    while (System.nanoTime() < drainEnd && !readyPublishers.isEmpty()) {
      Thread.sleep(100);
      expected = expected(readyPublishers, receivers);
      long received = stats.received.sum();
      if (received >= expected || received == lastReceived) {
        break;
      }
      lastReceived = received;
    }
    expected = expected(readyPublishers, receivers);
    reporter.phase("done");

    Histogram latency = reporter.total();
    Histogram connect = reporter.connectTotal();
    double measured = Math.max(1e-9, (measureEnd - measureStart) / 1e9);
    long received = stats.received.sum();
    long connected = stats.connected.sum();
    return new RunResult(
        scenario.name(),
        endpoint.url(),
        total,
        connected,
        stats.connectFailed.sum(),
        stats.connectionLost.sum(),
        connectSeconds,
        connectSeconds > 0 ? connected / connectSeconds : 0,
        millis(connect, 50),
        millis(connect, 99),
        readyPublishers.isEmpty() && scenario.subscribers().isEmpty() ? 0 : measured,
        stats.sent.sum(),
        received,
        expected,
        (sentAtEnd - sentAtStart) / measured,
        (receivedAtEnd - receivedAtStart) / measured,
        deliveredRatio(scenario, received, expected),
        millis(latency, 50),
        millis(latency, 90),
        millis(latency, 99),
        millis(latency, 99.9),
        latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0,
        rssBefore,
        rssAfter,
        brokerPid > 0 && connected > 0 ? (rssAfter - rssBefore) * 1024.0 / connected : 0,
        cpuAtEnd - cpuAtStart,
        stats.errorCount(),
        stats.errors());
  }

  /**
   * Received over expected; NaN when the scenario has no publishers of its own (a {@code sub} run
   * receives what others send, so nothing is expected of it).
   */
  static double deliveredRatio(Scenario scenario, long received, long expected) {
    if (scenario.publishers().isEmpty()) {
      return Double.NaN;
    }
    return expected == 0 ? (received == 0 ? 1 : 0) : (double) received / expected;
  }

  private static long expected(List<BenchClient> publishers, Map<BenchClient, Integer> receivers) {
    long e = 0;
    for (BenchClient p : publishers) {
      e += p.sentCount() * receivers.get(p);
    }
    return e;
  }

  private static double millis(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** One ticker per event loop with rated publishers, every millisecond. */
  private static void startTickers(List<BenchClient> publishers, List<ScheduledFuture<?>> tickers) {
    Map<EventLoop, List<BenchClient>> byLoop = new HashMap<>();
    for (BenchClient p : publishers) {
      if (p.isRated()) {
        byLoop.computeIfAbsent(p.eventLoop(), k -> new ArrayList<>()).add(p);
      }
    }
    byLoop.forEach(
        (loop, list) -> {
          BenchClient[] array = list.toArray(new BenchClient[0]);
          tickers.add(
              loop.scheduleAtFixedRate(
                  () -> {
                    long now = System.nanoTime();
                    for (BenchClient c : array) {
                      c.tick(now);
                    }
                  },
                  0,
                  1,
                  TimeUnit.MILLISECONDS));
        });
  }

  private static void closeAll(List<BenchClient> clients, Stats stats) throws InterruptedException {
    for (BenchClient c : clients) {
      c.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stats.open.sum() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }

  /** Prints a line a second; the only reader of the latency recorders. */
  private final class Reporter implements Runnable {
    private final Stats stats;
    private final AtomicInteger ready;
    private final AtomicInteger failed;
    private final int total;
    private final long start = System.nanoTime();
    private final Histogram latencyTotal = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    private final Histogram connectTotal = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    private Histogram interval;
    private Histogram connectInterval;
    private volatile String phase = "connecting";
    private boolean measuring;
    private long lastSent;
    private long lastReceived;
    private long lastConnected;

    Reporter(Stats stats, AtomicInteger ready, AtomicInteger failed, int total) {
      this.stats = stats;
      this.ready = ready;
      this.failed = failed;
      this.total = total;
    }

    void phase(String p) {
      sample();
      phase = p;
    }

    synchronized void measuring(boolean on) {
      takeInterval();
      measuring = on;
    }

    synchronized Histogram total() {
      takeInterval();
      return latencyTotal.copy();
    }

    synchronized Histogram connectTotal() {
      takeInterval();
      return connectTotal.copy();
    }

    private void takeInterval() {
      interval = stats.latencyInterval(interval);
      connectInterval = stats.connectInterval(connectInterval);
      if (measuring) {
        latencyTotal.add(interval);
      }
      connectTotal.add(connectInterval);
    }

    synchronized String sample() {
      takeInterval();
      long sent = stats.sent.sum();
      long received = stats.received.sum();
      long connected = stats.connected.sum();
      long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
      String line;
      if ("connecting".equals(phase)) {
        line =
            String.format(
                "[%4ds] connecting: %,d of %,d up (%,d/s), %,d failed, CONNACK p99 %.1f ms",
                elapsed,
                ready.get(),
                total,
                connected - lastConnected,
                failed.get(),
                connectInterval.getTotalCount() == 0
                    ? 0.0
                    : connectInterval.getValueAtPercentile(99) / 1000.0);
      } else {
        line =
            String.format(
                "[%4ds] sent %,d/s  received %,d/s  latency p50 %.3f p99 %.3f ms  open %,d  errors %,d",
                elapsed,
                sent - lastSent,
                received - lastReceived,
                interval.getTotalCount() == 0 ? 0.0 : interval.getValueAtPercentile(50) / 1000.0,
                interval.getTotalCount() == 0 ? 0.0 : interval.getValueAtPercentile(99) / 1000.0,
                stats.open.sum(),
                stats.errorCount());
      }
      lastSent = sent;
      lastReceived = received;
      lastConnected = connected;
      return line;
    }

    @Override
    public void run() {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(1000);
          String line = sample();
          if (progress != null && !"done".equals(phase)) {
            progress.println(line);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
