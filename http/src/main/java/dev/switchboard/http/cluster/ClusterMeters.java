package dev.switchboard.http.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The cluster's figures as meters: members, routes, what waits to be forwarded, what forwarding did
 * and how long acknowledgements took. Every meter reads the figures taken once per scrape ({@link
 * #refresh}), so one scrape shows one moment.
 */
public final class ClusterMeters {
  private final ClusterView view;
  private volatile ClusterFigures current;

  /** Registers the meters on {@code registry}; they read {@code view} at each {@link #refresh}. */
  public ClusterMeters(ClusterView view, MeterRegistry registry) {
    this.view = view;
    this.current = view.figures();
    gauge(registry, "switchboard.cluster.members.up", "Cluster members up", f -> f.membersUp());
    gauge(
        registry,
        "switchboard.cluster.members.unreachable",
        "Cluster members this node cannot reach",
        f -> f.membersUnreachable());
    gauge(
        registry,
        "switchboard.cluster.routes.local",
        "Filters of this node's sessions, told to the other nodes",
        f -> f.localFilters());
    gauge(
        registry,
        "switchboard.cluster.routes.remote",
        "The other nodes' filters this node knows",
        f -> f.remoteRoutes());
    gauge(
        registry,
        "switchboard.cluster.forward.queued",
        "Messages waiting to be forwarded to other nodes",
        f -> f.queued());
    for (String kind : List.of("sent", "resent", "received", "duplicate")) {
      FunctionCounter.builder(
              "switchboard.cluster.forward.messages",
              this,
              m -> {
                ClusterFigures.Forwarding f = m.current.forwarding();
                return switch (kind) {
                  case "sent" -> f.sent();
                  case "resent" -> f.resent();
                  case "received" -> f.received();
                  default -> f.duplicates();
                };
              })
          .tag("kind", kind)
          .description(
              "Messages forwarded: sent to other nodes, sent again, received from them, received"
                  + " twice")
          .register(registry);
    }
    counter(
        registry,
        "switchboard.cluster.forward.batches",
        "Batches written for other nodes",
        null,
        f -> f.batches());
    counter(
        registry,
        "switchboard.cluster.forward.bytes",
        "Bytes of the batches written for other nodes",
        "bytes",
        f -> f.bytes());
    FunctionCounter.builder(
            "switchboard.cluster.forward.dropped",
            this,
            m -> m.current.forwarding().droppedQueueFull())
        .tag("reason", "queue_full")
        .description("Messages not forwarded: their destination's queue was full, or too large")
        .register(registry);
    FunctionCounter.builder(
            "switchboard.cluster.forward.dropped",
            this,
            m -> m.current.forwarding().droppedTooLarge())
        .tag("reason", "too_large")
        .description("Messages not forwarded: their destination's queue was full, or too large")
        .register(registry);
    FunctionTimer.builder(
            "switchboard.cluster.forward.latency",
            this,
            m -> m.current.forwarding().latency().count(),
            m -> m.current.forwarding().latency().sumMs(),
            TimeUnit.MILLISECONDS)
        .description("From sending a QoS 1/2 or retained message to another node to its ack")
        .register(registry);
    gauge(
        registry,
        "switchboard.cluster.forward.latency.max",
        "The longest forwarding acknowledgement since the node started",
        "seconds",
        f -> f.forwarding().latency().maxMs() / 1000);
    for (String q : List.of("0.5", "0.99")) {
      Gauge.builder(
              "switchboard.cluster.forward.latency.recent",
              this,
              m -> {
                ClusterFigures.Latency l = m.current.forwarding().latency();
                return (q.equals("0.5") ? l.p50Ms() : l.p99Ms()) / 1000;
              })
          .tag("quantile", q)
          .baseUnit("seconds")
          .description("Forwarding acknowledgement time over the last one to two minutes")
          .register(registry);
    }
  }

  /** Takes the figures the meters show until the next refresh; keeps the last ones if it cannot. */
  public void refresh() {
    try {
      current = view.figures();
    } catch (RuntimeException e) {
      // the node's actor system may be gone (downed): the last figures stay, /metrics still works
    }
  }

  private void gauge(
      MeterRegistry registry, String name, String help, ToDoubleFunction<ClusterFigures> f) {
    gauge(registry, name, help, null, f);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String help,
      String unit,
      ToDoubleFunction<ClusterFigures> f) {
    Gauge.builder(name, this, m -> f.applyAsDouble(m.current))
        .description(help)
        .baseUnit(unit)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String help,
      String unit,
      ToDoubleFunction<ClusterFigures.Forwarding> f) {
    FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.current.forwarding()))
        .description(help)
        .baseUnit(unit)
        .register(registry);
  }
}
