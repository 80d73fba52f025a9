package dev.switchboard.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code bench cluster} measures with single clients rather than load: how long a new
 * subscription takes to reach another node (route convergence), and how long a client whose node is
 * killed takes to be connected and receiving again on another node (failover). A publisher on one
 * node sends a small QoS 0 message every {@link #PROBE_EVERY} meanwhile, so each time is the time
 * to the first message that arrives (give or take that interval).
 */
final class ClusterProbes {
  /** How often the probing publisher publishes. */
  static final Duration PROBE_EVERY = Duration.ofMillis(2);

  private static final Duration STEP = Duration.ofSeconds(10);

  /**
   * How long each CONNECT after a failover waits for its CONNACK: longer than the cluster's own
   * claim timeout (10 s, after which a CONNECT whose client id's owner cannot be reached is refused
   * with "identifier rejected"), so that the client takes the broker's answer and tries again only
   * when refused, as a device would.
   */
  static final Duration FAILOVER_CONNACK = Duration.ofSeconds(30);

  private final ClusterBenchNodes nodes;

  ClusterProbes(ClusterBenchNodes nodes) {
    this.nodes = nodes;
  }

  /**
   * Route convergence, {@code rounds} times, each with a publisher on one node and a new subscriber
   * on the next (in turn over the nodes): from the subscriber's SUBACK to its first message, in
   * milliseconds. A round where nothing arrives within 10 s counts as 10 s and is named in {@code
   * failures}.
   */
  List<Double> routeConvergence(int rounds, List<String> failures)
      throws IOException, InterruptedException {
    List<Double> millis = new ArrayList<>();
    int n = nodes.nodes().size();
    for (int round = 0; round < rounds; round++) {
      int from = round % n;
      int to = (round + 1) % n;
      String topic = "bench/converge/" + round + "/" + System.nanoTime();
      try (Publisher pub = new Publisher(from, "bench-conv-pub-" + round, topic);
          ProbeClient sub = connect(to, "bench-conv-sub-" + round)) {
        long subscribed = sub.subscribe(topic, 0, STEP);
        ProbeClient.Timed first = sub.awaitMessage(STEP);
        if (first == null) {
          failures.add("convergence round " + round + ": nothing arrived within 10 s");
          millis.add((double) STEP.toMillis());
        } else {
          millis.add((first.nanos() - subscribed) / 1e6);
        }
      }
    }
    return millis;
  }

  /**
   * Failover: a subscriber on node {@code victim} gets a publisher's messages from another node;
   * the victim is killed ({@code kill -9}); the subscriber connects again, with the same client id,
   * to the next node (again every {@link #FAILOVER_CONNACK} until it is let in, at most {@code
   * limit}), subscribes again and waits for the next message.
   */
  Failover failover(int victim, Duration limit) throws IOException, InterruptedException {
    int n = nodes.nodes().size();
    int publisherNode = (victim + 1) % n;
    int rescueNode = (victim + 2) % n;
    String topic = "bench/failover/" + System.nanoTime();
    String clientId = "bench-failover-sub";
    try (Publisher pub = new Publisher(publisherNode, "bench-failover-pub", topic)) {
      ProbeClient sub = connect(victim, clientId);
      long killed;
      long lost;
      try {
        sub.subscribe(topic, 0, STEP);
        if (sub.awaitMessage(STEP) == null) {
          throw new IOException("the failover subscriber got nothing before the kill");
        }
        sub.clear();
        killed = System.nanoTime();
        nodes.kill(victim);
        lost = sub.awaitDisconnected(STEP);
      } finally {
        sub.close();
      }
      long deadline = killed + limit.toNanos();
      int attempts = 0;
      List<String> refused = new ArrayList<>();
      ProbeClient again = null;
      IOException last = null;
      while (again == null && System.nanoTime() < deadline) {
        attempts++;
        long sent = System.nanoTime();
        try {
          again =
              ProbeClient.connect(
                  "127.0.0.1", nodes.node(rescueNode).mqttPort(), clientId, FAILOVER_CONNACK);
        } catch (IOException e) {
          last = e;
          if (refused.size() < 10) {
            refused.add(
                String.format(
                    java.util.Locale.ROOT,
                    "CONNECT at %.0f ms, failed at %.0f ms: %s",
                    (sent - killed) / 1e6,
                    (System.nanoTime() - killed) / 1e6,
                    e.getMessage()));
          }
          Thread.sleep(100);
        }
      }
      if (again == null) {
        throw new IOException(
            "the subscriber was not let in on another node within " + limit.toSeconds() + " s",
            last);
      }
      try (ProbeClient rescued = again) {
        long connected = System.nanoTime();
        rescued.subscribe(topic, 0, STEP);
        ProbeClient.Timed first = rescued.awaitMessage(limit);
        if (first == null) {
          throw new IOException("the subscriber got nothing on node " + rescueNode);
        }
        return new Failover(
            victim,
            rescueNode,
            (lost - killed) / 1e6,
            (connected - killed) / 1e6,
            (first.nanos() - killed) / 1e6,
            attempts,
            refused);
      }
    }
  }

  /**
   * What a failover took, in milliseconds from the kill.
   *
   * @param killedNode the node killed
   * @param rescueNode the node the subscriber moved to
   * @param connectionLostMs until the subscriber saw its connection end
   * @param reconnectedMs until another node accepted its CONNECT (same client id)
   * @param receivingAgainMs until its first message there
   * @param connectAttempts CONNECTs it took (each waits up to {@link #FAILOVER_CONNACK} for its
   *     CONNACK)
   * @param failedAttempts the first ten that failed: when sent and when and how they failed
   */
  record Failover(
      int killedNode,
      int rescueNode,
      double connectionLostMs,
      double reconnectedMs,
      double receivingAgainMs,
      int connectAttempts,
      List<String> failedAttempts) {}

  private ProbeClient connect(int node, String clientId) throws IOException, InterruptedException {
    return ProbeClient.connect("127.0.0.1", nodes.node(node).mqttPort(), clientId, STEP);
  }

  /** Publishes a small QoS 0 message on one node every {@link #PROBE_EVERY}, until closed. */
  private final class Publisher implements AutoCloseable {
    private final ProbeClient client;
    private final Thread thread;
    private volatile boolean running = true;

    Publisher(int node, String clientId, String topic) throws IOException, InterruptedException {
      this.client = connect(node, clientId);
      byte[] payload = "probe".getBytes(StandardCharsets.US_ASCII);
      this.thread =
          Thread.ofPlatform()
              .name(clientId)
              .daemon()
              .start(
                  () -> {
                    long next = System.nanoTime();
                    while (running) {
                      client.publish(topic, payload, 0);
                      next += PROBE_EVERY.toNanos();
                      long wait = next - System.nanoTime();
                      if (wait > 0) {
                        try {
                          TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }
                  });
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
      client.close();
    }
  }
}
