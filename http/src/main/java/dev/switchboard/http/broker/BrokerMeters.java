package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.SessionSnapshot;
import dev.switchboard.http.cluster.ClusterMeters;
import dev.switchboard.http.cluster.ClusterView;
import dev.switchboard.hub.auth.HubAuthenticator;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.quota.HubQuotaCounters;
import dev.switchboard.hub.quota.QuotaBook;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's figures as Micrometer meters, exported in Prometheus' text format. Every meter reads
 * a counter the broker, the store's journal or the authenticator keeps anyway (function counters
 * and gauges): nothing is added to the publish path. Per-hub figures carry a {@code hub} label,
 * never a device's; hubs that appear get their meters at the next scrape, hubs that go lose them. A
 * hub's queues are read on its sessions' own loops at each scrape.
 */
public final class BrokerMeters implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Broker broker;
  private final LiveState live;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<String, List<Meter>> hubMeters = new HashMap<>();

  /** The figures of the scrape under way, which the per-hub gauges read. */
  private volatile Scrape current =
      new Scrape(new HubFigures(Map.of(), Map.of(), Map.of()), Map.of());

  /** Per hub: {inflight, queued, queued bytes}. */
  private record Scrape(HubFigures figures, Map<String, long[]> backlog) {}

  /**
   * @param authenticator the MQTT logins' checks; null when the server has none of the registry's
   * @param adminThrottle the HTTP administrators' failed logins
   * @param openStreams the live streams open now
   */
  /** The hubs' quota refusals; null while the server has no quotas. */
  private volatile QuotaBook quotas;

  /** The cluster's meters; null unless this server is a cluster node. */
  private volatile ClusterMeters cluster;

  /** Shows the cluster's figures as {@code view} gives them from now on. */
  void cluster(ClusterView view) {
    this.cluster = new ClusterMeters(view, registry);
  }

  /** Shows the hubs' quota refusals from {@code book} from now on. */
  void quotas(QuotaBook book) {
    this.quotas = book;
  }

  private long quota(String hub, java.util.function.ToLongFunction<HubQuotaCounters> f) {
    QuotaBook book = quotas;
    return book == null ? 0 : f.applyAsLong(book.countersOf(hub));
  }

  BrokerMeters(
      Broker broker,
      LiveState live,
      HubAuthenticator authenticator,
      LoginThrottle adminThrottle,
      IntSupplier openStreams) {
    this.broker = broker;
    this.live = live;
    BrokerMetrics m = broker.metrics();
    gauge("switchboard.connections", "Clients connected now", m, x -> x.clientsConnected.get());
    gauge(
        "switchboard.connections.max",
        "Most clients connected at once",
        m,
        x -> x.clientsMaximum.get());
    counter("switchboard.connects", "Connections accepted", m, x -> x.connectionsAccepted.sum());
    refusal(m, "connack", x -> x.connectRefused.sum());
    refusal(m, "pre_auth_budget", x -> x.preAuthBudgetExceeded.sum());
    refusal(m, "proxy_protocol", x -> x.proxyProtocolErrors.sum());
    refusal(m, "websocket_upgrade", x -> x.webSocketUpgradesRefused.sum());
    counter(
        "switchboard.protocol.errors",
        "Connections closed for protocol errors",
        m,
        x -> x.protocolErrors.sum());
    counter(
        "switchboard.keepalive.timeouts",
        "Connections closed by their keep alive",
        m,
        x -> x.keepAliveTimeouts.sum());
    counter(
        "switchboard.session.takeovers",
        "Sessions taken over by a new connection",
        m,
        x -> x.sessionTakeovers.sum());
    counter("switchboard.sessions.expired", "Sessions expired", m, x -> x.sessionsExpired.sum());
    counter("switchboard.wills.published", "Wills published", m, x -> x.willsPublished.sum());
    counter(
        "switchboard.messages.received",
        "PUBLISHes received (all hubs)",
        m,
        x -> x.messagesReceived.sum());
    counter("switchboard.messages.sent", "PUBLISHes sent to subscribers", m, x -> x.publishSent());
    for (int qos = 0; qos <= 2; qos++) {
      int q = qos;
      FunctionCounter.builder(
              "switchboard.publish.received", m, x -> x.publishReceivedByQos[q].sum())
          .tag("qos", Integer.toString(q))
          .description("PUBLISH packets received from clients, by QoS")
          .register(registry);
      FunctionCounter.builder("switchboard.publish.sent", m, x -> x.publishSentByQos[q].sum())
          .tag("qos", Integer.toString(q))
          .description("PUBLISH packets sent to subscribers, by QoS")
          .register(registry);
    }
    FunctionCounter.builder("switchboard.bytes.received", m, x -> x.bytesReceived.sum())
        .baseUnit("bytes")
        .description("Bytes read from clients")
        .register(registry);
    FunctionCounter.builder("switchboard.bytes.sent", m, x -> x.bytesSent.sum())
        .baseUnit("bytes")
        .description("Bytes written to clients")
        .register(registry);
    drop(m, "queue_full", x -> x.publishDroppedQueueFull.sum());
    drop(m, "mailbox_full", x -> x.publishDroppedMailboxFull.sum());
    drop(m, "offline", x -> x.publishDroppedOffline.sum());
    drop(m, "expired", x -> x.publishDroppedExpired.sum());
    drop(m, "too_large", x -> x.publishDroppedTooLarge.sum());
    drop(m, "quota", x -> x.publishDroppedQuota.sum());
    for (String[] r : new String[][] {{"denied", ""}, {"interceptor", ""}}) {
      FunctionCounter.builder(
              "switchboard.publish.refused",
              m,
              r[0].equals("denied")
                  ? x -> x.publishDenied.sum()
                  : x -> x.publishRefusedByInterceptor.sum())
          .tag("reason", r[0])
          .description("PUBLISHes refused")
          .register(registry);
    }
    counter(
        "switchboard.deliveries.withheld",
        "Deliveries an access rule kept from a subscriber",
        m,
        x -> x.deliveriesWithheldByRule.sum());
    counter(
        "switchboard.subscribe.denied",
        "SUBSCRIBE and UNSUBSCRIBE requests refused",
        m,
        x -> x.subscribeDenied.sum());
    counter(
        "switchboard.reads.paused",
        "Times a publisher's reading paused for a subscriber or the store",
        m,
        x -> x.readsPausedForSubscriber.sum() + x.readsPausedForJournal.sum());
    FunctionCounter.builder("switchboard.tls.handshakes", m, x -> x.tlsHandshakes.sum())
        .tag("outcome", "completed")
        .description("TLS handshakes")
        .register(registry);
    FunctionCounter.builder("switchboard.tls.handshakes", m, x -> x.tlsHandshakeFailures.sum())
        .tag("outcome", "failed")
        .description("TLS handshakes")
        .register(registry);
    Journal journal = broker.journal();
    if (journal != null) {
      counter(
          "switchboard.store.commits",
          "Store transactions committed",
          journal,
          j -> j.commits.sum());
      counter(
          "switchboard.store.changes",
          "Changes written (the mean batch is changes / commits)",
          journal,
          j -> j.changesWritten.sum());
      counter(
          "switchboard.store.failures",
          "Store transactions that failed",
          journal,
          j -> j.failures.sum());
      FunctionCounter.builder("switchboard.store.commit", journal, j -> j.commitNanos.sum() / 1e9)
          .baseUnit("seconds")
          .description("Time the store took over its commits (the mean latency is this / commits)")
          .register(registry);
      gauge(
          "switchboard.store.backlog", "Changes waiting for the store", journal, Journal::backlog);
    }
    if (authenticator != null) {
      counter(
          "switchboard.auth.accepted",
          "MQTT clients let in",
          authenticator,
          HubAuthenticator::accepted);
      for (HubAuthenticator.Refusal why : HubAuthenticator.Refusal.values()) {
        FunctionCounter.builder("switchboard.auth.refusals", authenticator, a -> a.refusals(why))
            .tag("reason", why.name().toLowerCase(Locale.ROOT))
            .description("MQTT clients refused, by reason (throttled: by the login throttle)")
            .register(registry);
      }
      counter(
          "switchboard.auth.cache.hits",
          "Password checks answered from the cache",
          authenticator,
          HubAuthenticator::cacheHits);
      counter(
          "switchboard.auth.checks.coalesced",
          "Password checks that joined one under way",
          authenticator,
          HubAuthenticator::coalescedChecks);
    }
    if (adminThrottle != null) {
      counter(
          "switchboard.http.login.failures",
          "Failed administrators' logins",
          adminThrottle,
          LoginThrottle::failures);
      counter(
          "switchboard.http.login.throttled",
          "Administrators' logins refused by the throttle",
          adminThrottle,
          LoginThrottle::throttled);
    }
    gauge(
        "switchboard.http.streams",
        "Live message streams open",
        openStreams,
        IntSupplier::getAsInt);
    ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    if (allocator instanceof ByteBufAllocatorMetricProvider p) {
      Gauge.builder("switchboard.netty.memory.used", p, x -> x.metric().usedDirectMemory())
          .tag("kind", "direct")
          .baseUnit("bytes")
          .description("Memory Netty's buffer allocator holds")
          .register(registry);
      Gauge.builder("switchboard.netty.memory.used", p, x -> x.metric().usedHeapMemory())
          .tag("kind", "heap")
          .baseUnit("bytes")
          .description("Memory Netty's buffer allocator holds")
          .register(registry);
    }
    Gauge.builder("switchboard.netty.direct.memory", PlatformDependent::usedDirectMemory)
        .baseUnit("bytes")
        .description("Direct memory Netty counts (-1 when it does not)")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private <T> void counter(String name, String help, T source, ToDoubleFunction<T> f) {
    FunctionCounter.builder(name, source, f).description(help).register(registry);
  }

  private <T> void gauge(String name, String help, T source, ToDoubleFunction<T> f) {
    // held strongly: a gauge otherwise keeps only a weak reference, and a lambda source is gone at
    // the next collection
    Gauge.builder(name, source, f).description(help).strongReference(true).register(registry);
  }

  private void refusal(BrokerMetrics m, String reason, ToDoubleFunction<BrokerMetrics> f) {
    FunctionCounter.builder("switchboard.connect.refusals", m, f)
        .tag("reason", reason)
        .description("Connections refused before or at CONNACK, by reason")
        .register(registry);
  }

  private void drop(BrokerMetrics m, String reason, ToDoubleFunction<BrokerMetrics> f) {
    FunctionCounter.builder("switchboard.messages.dropped", m, f)
        .tag("reason", reason)
        .description("Messages dropped before delivery, by reason")
        .register(registry);
  }

  /** The text Prometheus scrapes, with every hub's figures read now. */
  public synchronized String scrape() {
    Map<String, long[]> backlog = new HashMap<>();
    for (SessionSnapshot s : live.snapshotsOfAll()) {
      long[] b = backlog.computeIfAbsent(s.hub(), h -> new long[3]);
      b[0] += s.inflight();
      b[1] += s.queued();
      b[2] += s.queuedBytes();
    }
    current = new Scrape(HubFigures.of(broker), backlog);
    ClusterMeters c = cluster;
    if (c != null) {
      c.refresh();
    }
    Set<String> hubs = broker.hubs();
    for (String hub : hubs) {
      hubMeters.computeIfAbsent(hub, this::registerHub);
    }
    hubMeters
        .entrySet()
        .removeIf(
            e -> {
              if (hubs.contains(e.getKey())) {
                return false;
              }
              e.getValue().forEach(registry::remove);
              return true;
            });
    return registry.scrape();
  }

  /** What the hub's device quotas refused: PUBLISHes, deliveries, connections ended. */
  private Meter quotaCounter(
      String hub, String what, java.util.function.ToLongFunction<HubQuotaCounters> f) {
    return FunctionCounter.builder("switchboard.hub.quota.refusals", this, b -> b.quota(hub, f))
        .tag("hub", hub)
        .tag("kind", what)
        .description("What the hub's device quotas refused: publish, delivery, disconnect")
        .register(registry);
  }

  private List<Meter> registerHub(String hub) {
    List<Meter> meters = new ArrayList<>();
    meters.add(
        hubGauge(
            "switchboard.hub.connections",
            "Clients connected now",
            hub,
            s -> s.figures.connections(hub)));
    meters.add(
        hubGauge(
            "switchboard.hub.sessions",
            "Sessions, connected or not",
            hub,
            s -> s.figures.sessions(hub)));
    meters.add(
        hubGauge(
            "switchboard.hub.inflight",
            "QoS 1/2 messages in flight to clients",
            hub,
            s -> s.backlog.getOrDefault(hub, new long[3])[0]));
    meters.add(
        hubGauge(
            "switchboard.hub.queued",
            "Messages queued for sessions",
            hub,
            s -> s.backlog.getOrDefault(hub, new long[3])[1]));
    meters.add(
        hubGauge(
            "switchboard.hub.queued.bytes",
            "Bytes queued for sessions",
            hub,
            s -> s.backlog.getOrDefault(hub, new long[3])[2]));
    meters.add(
        FunctionCounter.builder(
                "switchboard.hub.messages.received", this, b -> b.current.figures.received(hub))
            .tag("hub", hub)
            .description("PUBLISHes the hub's clients sent")
            .register(registry));
    meters.add(
        spaceGauge("switchboard.hub.retained", "Retained messages", hub, s -> s.retained().size()));
    meters.add(
        spaceGauge(
            "switchboard.hub.subscriptions", "Subscriptions", hub, s -> s.subscriptions().size()));
    meters.add(quotaCounter(hub, "publish", c -> c.publishesRefused.sum()));
    meters.add(quotaCounter(hub, "delivery", c -> c.deliveriesDropped.sum()));
    meters.add(quotaCounter(hub, "disconnect", c -> c.disconnects.sum()));
    for (String limit : List.of("connections", "message_size", "retained")) {
      meters.add(
          FunctionCounter.builder(
                  "switchboard.hub.refusals",
                  this,
                  b -> {
                    TopicSpaces.Space s = b.live.space(hub);
                    if (s == null) {
                      return 0;
                    }
                    return switch (limit) {
                      case "connections" -> s.refusals().connections.sum();
                      case "message_size" -> s.refusals().messageSize.sum();
                      default -> s.refusals().retained.sum();
                    };
                  })
              .tag("hub", hub)
              .tag("limit", limit)
              .description("What the hub's limits refused")
              .register(registry));
    }
    return meters;
  }

  private Meter hubGauge(String name, String help, String hub, ToDoubleFunction<Scrape> f) {
    return Gauge.builder(name, this, b -> f.applyAsDouble(b.current))
        .tag("hub", hub)
        .description(help)
        .register(registry);
  }

  private Meter spaceGauge(
      String name, String help, String hub, ToDoubleFunction<TopicSpaces.Space> f) {
    return Gauge.builder(
            name,
            this,
            b -> {
              TopicSpaces.Space s = b.live.space(hub);
              return s == null ? 0 : f.applyAsDouble(s);
            })
        .tag("hub", hub)
        .description(help)
        .register(registry);
  }

  /** The registry, for tests. */
  MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
