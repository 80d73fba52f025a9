package dev.switchboard.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each in a JVM of its own on 127.0.0.1, sharing one seed list that names all three:
 * they form one cluster, and a message published on one node reaches subscribers on the others
 * (wildcards, every QoS, retained messages, shared subscriptions), and stops going to a node whose
 * subscriber left. The nodes start once for the class. Times (formation, route convergence, round
 * trips) are printed, not asserted.
 */
class ThreeNodeClusterTest {
  @TempDir static Path dir;

  private static final List<ClusterChild> nodes = new ArrayList<>();
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @BeforeAll
  static void startThreeNodes() throws Exception {
    for (int i = 0; i < 3; i++) {
      // HTTP and $SYS on: the cluster's figures are read there (clusterFigures)
      ClusterChild n =
          new ClusterChild(
                  "n" + i,
                  dir.resolve("n" + i),
                  ClusterChild.freePort(),
                  "switchboard.sys.interval = 1s\n")
              .withHttp();
      nodes.add(n);
    }
    long t0 = System.nanoTime();
    ClusterChild.startAll(nodes);
    long listening = System.nanoTime();
    ThreeNodeClusterTest probe = new ThreeNodeClusterTest();
    try {
      for (int from = 0; from < 3; from++) {
        for (int to = 0; to < 3; to++) {
          if (from != to) {
            probe.awaitRoute(from, to, "probe/" + from + "/" + to, 90_000);
          }
        }
      }
    } finally {
      probe.closeClients();
    }
    System.out.printf(
        "cluster: 3 JVMs joined and listening after %d ms; every node forwarding to every other"
            + " after %d ms more%n",
        TimeUnit.NANOSECONDS.toMillis(listening - t0),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - listening));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ClusterChild n : nodes) {
      n.stop(); // all at once: leaving one by one would hand the owners' shards over twice
    }
    for (ClusterChild n : nodes) {
      n.awaitStop();
    }
    ClusterChild.printLogs(nodes, l -> l.contains("WARN") || l.contains("ERROR"));
    nodes.forEach(ClusterChild::close);
  }

  @AfterEach
  void closeClients() {
    for (Mqtt5BlockingClient c : clients) {
      try {
        c.disconnect();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    clients.clear();
  }

  private Mqtt5BlockingClient client(int node, String clientId) {
    Mqtt5BlockingClient c =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(nodes.get(node).mqttPort())
            .buildBlocking();
    c.connect();
    clients.add(c);
    return c;
  }

  private static Mqtt5Publish publish(String topic, String payload, MqttQos qos, boolean retain) {
    return Mqtt5Publish.builder()
        .topic(topic)
        .qos(qos)
        .retain(retain)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  /**
   * Subscribes on node {@code to} and publishes QoS 0 on node {@code from} every 5 ms until the
   * subscriber has one: the time from SUBACK to then is how long the new route took to reach the
   * publisher's node (give or take 5 ms). Returns it in milliseconds.
   */
  private long awaitRoute(int from, int to, String topic, long timeoutMillis) throws Exception {
    Mqtt5BlockingClient sub = client(to, "route-sub-" + from + "-" + to + "-" + System.nanoTime());
    Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_MOST_ONCE).send();
    long subscribed = System.nanoTime();
    Mqtt5BlockingClient pub =
        client(from, "route-pub-" + from + "-" + to + "-" + System.nanoTime());
    long deadline = subscribed + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      pub.publish(publish(topic, "probe", MqttQos.AT_MOST_ONCE, false));
      if (in.receive(5, TimeUnit.MILLISECONDS).isPresent()) {
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - subscribed);
        in.close();
        sub.disconnect(); // its filter is a probe's, not the test's
        clients.remove(sub);
        return took;
      }
    }
    throw new AssertionError(
        "no message from node "
            + from
            + " reached a subscriber on node "
            + to
            + " in "
            + timeoutMillis
            + " ms; node logs:\n"
            + nodes.get(from).log()
            + "\n"
            + nodes.get(to).log());
  }

  /**
   * Publishes QoS 0 on {@code topic} on node {@code from} every 5 ms until {@code in} has a
   * message: the subscription behind {@code in} has reached that node's routes.
   */
  private void awaitDelivery(int from, String topic, Mqtt5Publishes in) throws Exception {
    Mqtt5BlockingClient pub = client(from, "await-pub-" + System.nanoTime());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      pub.publish(publish(topic, "probe", MqttQos.AT_MOST_ONCE, false));
      if (in.receive(5, TimeUnit.MILLISECONDS).isPresent()) {
        return;
      }
    }
    throw new AssertionError("nothing on " + topic + " from node " + from + " arrived");
  }

  @Test
  @DisplayName(
      "a subscription on one node gets what another publishes, through wildcards, at every QoS"
          + " (min of published and granted); route convergence and round trips printed")
  void publishOnOneReceiveOnAnother() throws Exception {
    List<Long> convergence = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      convergence.add(awaitRoute(round % 3, (round + 1) % 3, "conv/" + round + "/t", 10_000));
    }
    System.out.println(
        "cluster: route convergence (SUBACK to first forwarded message), ms: " + convergence);

    Mqtt5BlockingClient sub = client(1, "wild-sub");
    Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("sensors/+/temp").qos(MqttQos.EXACTLY_ONCE).send();
    Mqtt5BlockingClient sub1 = client(2, "wild-sub-1");
    Mqtt5Publishes in1 = sub1.publishes(MqttGlobalPublishFilter.ALL);
    sub1.subscribeWith().topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE).send();
    awaitDelivery(0, "sensors/probe/temp", in);
    awaitDelivery(0, "sensors/probe2", in1);
    drain(in);
    drain(in1);

    Mqtt5BlockingClient pub = client(0, "wild-pub");
    MqttQos[] levels = {MqttQos.AT_MOST_ONCE, MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE};
    for (MqttQos q : levels) {
      pub.publish(publish("sensors/kitchen/temp", "q" + q.getCode(), q, false));
    }
    pub.publish(publish("sensors/kitchen/humidity", "h", MqttQos.AT_LEAST_ONCE, false));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
      got.add(text(p) + "@" + p.getQos().getCode());
    }
    assertThat(got).containsExactly("q0@0", "q1@1", "q2@2");
    List<String> got1 = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Mqtt5Publish p = in1.receive(10, TimeUnit.SECONDS).orElseThrow();
      got1.add(text(p) + "@" + p.getQos().getCode());
    }
    assertThat(got1).containsExactly("q0@0", "q1@1", "q2@1", "h@1");
    assertThat(in.receive(200, TimeUnit.MILLISECONDS))
        .as("sensors/+/temp does not match humidity")
        .isEmpty();

    // a cross-node round trip at QoS 1, publish to delivery, 200 times
    List<Long> trips = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long t = System.nanoTime();
      pub.publish(publish("sensors/rt/temp", "rt" + i, MqttQos.AT_LEAST_ONCE, false));
      Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
      trips.add(System.nanoTime() - t);
      assertThat(text(p)).isEqualTo("rt" + i);
      in1.receive(10, TimeUnit.SECONDS).orElseThrow();
    }
    trips.sort(null);
    System.out.printf(
        "cluster: cross-node QoS 1 publish-to-delivery, 200 sequential: p50 %.2f ms, p99 %.2f ms%n",
        trips.get(100) / 1e6, trips.get(197) / 1e6);
  }

  @Test
  @DisplayName(
      "a retained message published on one node is given to a later subscriber on every other;"
          + " an empty one clears it there too")
  void retainedEverywhere() throws Exception {
    Mqtt5BlockingClient pub = client(0, "ret-pub");
    pub.publish(publish("status/door", "open", MqttQos.AT_LEAST_ONCE, true));
    for (int node = 1; node < 3; node++) {
      assertThat(retainedOn(node, "status/+")).contains("open");
    }
    pub.publish(publish("status/door", "", MqttQos.AT_LEAST_ONCE, true));
    pub.publish(publish("status/window", "shut", MqttQos.AT_LEAST_ONCE, true));
    for (int node = 1; node < 3; node++) {
      int n = node;
      // the window's message was published after the clearing one: once it is there, so is that
      assertThat(awaitRetained(n, "status/window", "shut")).isTrue();
      assertThat(retainedOn(n, "status/door")).as("cleared on node %d", n).isEmpty();
    }
  }

  /** The retained payload a new subscriber on {@code node} gets for {@code filter}, if any. */
  private Optional<String> retainedOn(int node, String filter) throws Exception {
    Mqtt5BlockingClient c = client(node, "ret-sub-" + node + "-" + System.nanoTime());
    Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL);
    c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    Optional<Mqtt5Publish> p = in.receive(1, TimeUnit.SECONDS);
    in.close();
    c.disconnect();
    clients.remove(c);
    return p.map(ThreeNodeClusterTest::text);
  }

  private boolean awaitRetained(int node, String filter, String payload) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (retainedOn(node, filter).filter(payload::equals).isPresent()) {
        return true;
      }
    }
    return false;
  }

  @Test
  @DisplayName(
      "a removed subscription stops forwarding (the publisher's node reports no matching"
          + " subscribers) while the subscriber's other filter still gets its messages")
  void unsubscribeStopsForwarding() throws Exception {
    Mqtt5BlockingClient sub = client(2, "unsub-sub");
    Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("gone/a").qos(MqttQos.AT_LEAST_ONCE).send();
    sub.subscribeWith().topicFilter("stay/a").qos(MqttQos.AT_LEAST_ONCE).send();
    awaitDelivery(0, "gone/a", in);
    drain(in);
    Mqtt5BlockingClient pub = client(0, "unsub-pub");
    assertThat(reasonOf(pub.publish(publish("gone/a", "before", MqttQos.AT_LEAST_ONCE, false))))
        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(text(in.receive(10, TimeUnit.SECONDS).orElseThrow())).isEqualTo("before");

    sub.unsubscribeWith().topicFilter("gone/a").send();
    long unsubscribed = System.nanoTime();
    Mqtt5PubAckReasonCode reason = Mqtt5PubAckReasonCode.SUCCESS;
    long deadline = unsubscribed + TimeUnit.SECONDS.toNanos(10);
    while (reason == Mqtt5PubAckReasonCode.SUCCESS && System.nanoTime() < deadline) {
      reason = reasonOf(pub.publish(publish("gone/a", "after", MqttQos.AT_LEAST_ONCE, false)));
    }
    System.out.printf(
        "cluster: route removal reached the publisher's node in %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unsubscribed));
    assertThat(reason).isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);

    assertThat(reasonOf(pub.publish(publish("stay/a", "still", MqttQos.AT_LEAST_ONCE, false))))
        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    Mqtt5Publish next = in.receive(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(text(next))
        .as("nothing of gone/a after UNSUBACK, stay/a arrives")
        .isEqualTo("still");
  }

  @Test
  @DisplayName(
      "a shared group with members on two other nodes gets each message once, spread over both")
  void sharedGroupAcrossNodes() throws Exception {
    Mqtt5BlockingClient m1 = client(1, "share-1");
    Mqtt5Publishes in1 = m1.publishes(MqttGlobalPublishFilter.ALL);
    m1.subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient m2 = client(2, "share-2");
    Mqtt5Publishes in2 = m2.publishes(MqttGlobalPublishFilter.ALL);
    m2.subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = client(0, "share-pub");
    // both members' routes have reached node 0 once a message reaches each of them
    Set<String> reached = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reached.size() < 2 && System.nanoTime() < deadline) {
      pub.publish(publish("jobs/warmup", "w", MqttQos.AT_LEAST_ONCE, false));
      in1.receive(5, TimeUnit.MILLISECONDS).ifPresent(p -> reached.add("1"));
      in2.receive(5, TimeUnit.MILLISECONDS).ifPresent(p -> reached.add("2"));
    }
    assertThat(reached).containsExactlyInAnyOrder("1", "2");
    Thread.sleep(300);
    drain(in1);
    drain(in2);

    for (int i = 0; i < 40; i++) {
      pub.publish(publish("jobs/" + i, "job" + i, MqttQos.AT_LEAST_ONCE, false));
    }
    List<String> all = new ArrayList<>();
    int first = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (all.size() < 40 && System.nanoTime() < until) {
      Optional<Mqtt5Publish> p = in1.receive(10, TimeUnit.MILLISECONDS);
      if (p.isPresent()) {
        all.add(text(p.get()));
        first++;
      }
      in2.receive(10, TimeUnit.MILLISECONDS).ifPresent(q -> all.add(text(q)));
    }
    Thread.sleep(300); // a duplicate would come now
    in1.receive(10, TimeUnit.MILLISECONDS).ifPresent(q -> all.add(text(q)));
    in2.receive(10, TimeUnit.MILLISECONDS).ifPresent(q -> all.add(text(q)));
    assertThat(all).hasSize(40).doesNotHaveDuplicates();
    assertThat(first).as("both members get some").isBetween(1, 39);
  }

  @Test
  @DisplayName(
      "a CONNECT on another node with a connected client id ends the first connection (0x8E);"
          + " the new one works")
  void takeoverAcrossNodes() throws Exception {
    List<Object> firstEnded = new java.util.concurrent.CopyOnWriteArrayList<>();
    Mqtt5BlockingClient first =
        Mqtt5Client.builder()
            .identifier("roaming-1")
            .serverHost("127.0.0.1")
            .serverPort(nodes.get(0).mqttPort())
            .addDisconnectedListener(ctx -> firstEnded.add(ctx.getCause()))
            .buildBlocking();
    first.connect();
    clients.add(first);
    long t = System.nanoTime();
    Mqtt5BlockingClient second = client(1, "roaming-1");
    System.out.printf(
        "cluster: CONNECT taking a client id over from another node: %.1f ms%n",
        (System.nanoTime() - t) / 1e6);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (firstEnded.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(firstEnded).as("the first connection ended").hasSize(1);
    assertThat(firstEnded.get(0))
        .isInstanceOfSatisfying(
            com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException.class,
            e ->
                assertThat(e.getMqttMessage().getReasonCode())
                    .isEqualTo(
                        com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode
                            .SESSION_TAKEN_OVER));
    assertThat(second.getState().isConnected()).isTrue();
    Mqtt5Publishes in = second.publishes(MqttGlobalPublishFilter.ALL);
    second.subscribeWith().topicFilter("roam/#").qos(MqttQos.AT_LEAST_ONCE).send();
    awaitDelivery(2, "roam/x", in);
  }

  @Test
  @DisplayName("two CONNECTs of one client id on two nodes at once leave one connected, 5 rounds")
  void concurrentConnectsLeaveOne() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = "twin-" + round;
      List<Mqtt5BlockingClient> twins = new ArrayList<>();
      for (int node = 1; node <= 2; node++) {
        twins.add(
            Mqtt5Client.builder()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(nodes.get(node).mqttPort())
                .buildBlocking());
      }
      clients.addAll(twins);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (Mqtt5BlockingClient c : twins) {
        Thread th =
            new Thread(
                () -> {
                  try {
                    go.await();
                    c.connect();
                  } catch (Exception refusedOrTakenOver) {
                    // one of them may lose
                  }
                });
        th.start();
        threads.add(th);
      }
      go.countDown();
      for (Thread th : threads) {
        th.join(20_000);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (twins.stream().filter(c -> c.getState().isConnected()).count() != 1
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(200); // a second connection would still be there now
      assertThat(twins.stream().filter(c -> c.getState().isConnected()).count())
          .as("round %d: connected clients with id %s", round, id)
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "switchboard cluster status shows the three members up and reachable, and the routes of"
          + " a subscriber's node; without a running node it says so")
  void statusCommand() throws Exception {
    Mqtt5BlockingClient sub = client(1, "status-sub");
    Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("status-probe/#").qos(MqttQos.AT_MOST_ONCE).send();
    awaitDelivery(0, "status-probe/x", in);
    Thread.sleep(2_500); // the status file is written every 2 s
    dev.switchboard.app.CliRun r =
        dev.switchboard.app.CliRun.run(nodes.get(0).dataDir(), "cluster", "status");
    System.out.print(r.out());
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("node n0, as of ").contains("(this node)");
    for (ClusterChild n : nodes) {
      assertThat(r.out()).containsPattern("127\\.0\\.0\\.1:" + n.clusterPort() + ".* +Up +yes ");
    }
    String n1Line =
        r.out()
            .lines()
            .filter(l -> l.contains(":" + nodes.get(1).clusterPort()))
            .findFirst()
            .orElseThrow();
    assertThat(Integer.parseInt(n1Line.trim().split(" +")[3])).isPositive();

    dev.switchboard.app.CliRun none =
        dev.switchboard.app.CliRun.run(dir.resolve("nowhere"), "cluster", "status");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err())
        .startsWith("switchboard: no cluster node is running with data directory");
  }

  @Test
  @DisplayName(
      "each node's cluster figures after QoS 1 traffic from node 0 to node 1: GET /api/v1/cluster"
          + " (members up, routes, sessions, messages, batches, bytes, acknowledgement latency),"
          + " /metrics and $SYS/broker/cluster/...; cluster status --url asks a node over HTTP")
  void clusterFigures() throws Exception {
    Mqtt5BlockingClient sub = client(1, "figures-sub");
    Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("figures/#").qos(MqttQos.AT_LEAST_ONCE).send();
    awaitDelivery(0, "figures/probe", in);
    drain(in);
    Mqtt5BlockingClient pub = client(0, "figures-pub");
    for (int i = 0; i < 50; i++) {
      pub.publish(publish("figures/" + i, "f" + i, MqttQos.AT_LEAST_ONCE, false));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(in.receive(10, TimeUnit.SECONDS)).as("message %d", i).isPresent();
    }

    // node 0 sent them and had them acknowledged; node 1 received them
    com.fasterxml.jackson.databind.JsonNode n0 =
        awaitFigures(0, f -> f.at("/forwarding/latency/count").asLong() >= 50);
    assertThat(n0.path("nodeName").asText()).isEqualTo("n0");
    assertThat(n0.path("nodes")).hasSize(3);
    for (com.fasterxml.jackson.databind.JsonNode m : n0.path("nodes")) {
      assertThat(m.path("state").asText()).as(m.toString()).isEqualTo("Up");
      assertThat(m.path("reachable").asBoolean()).as(m.toString()).isTrue();
    }
    assertThat(n0.path("connected").asInt()).isPositive();
    com.fasterxml.jackson.databind.JsonNode toNode1 = memberOn(n0, nodes.get(1).clusterPort());
    assertThat(toNode1.path("routes").asInt()).as("node 1's filters known on node 0").isPositive();
    com.fasterxml.jackson.databind.JsonNode forwarding = n0.path("forwarding");
    assertThat(forwarding.path("sent").asLong()).isGreaterThanOrEqualTo(50);
    assertThat(forwarding.path("batches").asLong()).isPositive();
    assertThat(forwarding.path("bytes").asLong())
        .as("bytes of the batches")
        .isGreaterThan(50L * "figures/0".length());
    assertThat(forwarding.at("/latency/p99Ms").asDouble()).isPositive();
    com.fasterxml.jackson.databind.JsonNode n1 =
        awaitFigures(1, f -> f.at("/forwarding/received").asLong() >= 50);
    assertThat(memberOn(n1, nodes.get(1).clusterPort()).path("self").asBoolean()).isTrue();
    assertThat(memberOn(n1, nodes.get(1).clusterPort()).path("routes").asInt())
        .as("its own filters")
        .isPositive();
    System.out.printf(
        "cluster: node 0 forwarded %d messages in %d batches, %d bytes (%.0f a message);"
            + " acknowledged p50 %.2f ms, p99 %.2f ms%n",
        forwarding.path("sent").asLong(),
        forwarding.path("batches").asLong(),
        forwarding.path("bytes").asLong(),
        forwarding.path("bytes").asDouble()
            / (forwarding.path("sent").asLong() + forwarding.path("resent").asLong()),
        forwarding.at("/latency/p50Ms").asDouble(),
        forwarding.at("/latency/p99Ms").asDouble());

    String metrics = get(nodes.get(0).httpUrl() + "/metrics");
    assertThat(metricValue(metrics, "switchboard_cluster_members_up")).isEqualTo(3.0);
    assertThat(metricValue(metrics, "switchboard_cluster_members_unreachable")).isZero();
    assertThat(metricValue(metrics, "switchboard_cluster_routes_remote")).isPositive();
    assertThat(metricValue(metrics, "switchboard_cluster_forward_messages_total{kind=\"sent\"}"))
        .isGreaterThanOrEqualTo(50);
    assertThat(metricValue(metrics, "switchboard_cluster_forward_bytes_total")).isPositive();
    assertThat(metricValue(metrics, "switchboard_cluster_forward_latency_seconds_count"))
        .isGreaterThanOrEqualTo(50);
    assertThat(metricValue(metrics, "switchboard_cluster_forward_queued")).isNotNull();

    // $SYS on node 0, published there every second
    Mqtt5BlockingClient sys = client(0, "figures-sys");
    Mqtt5Publishes sysIn = sys.publishes(MqttGlobalPublishFilter.ALL);
    sys.subscribeWith().topicFilter("$SYS/broker/cluster/#").qos(MqttQos.AT_MOST_ONCE).send();
    java.util.Map<String, String> figures = new java.util.HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> expected =
        List.of(
            "node",
            "nodes/up",
            "nodes/unreachable",
            "routes/local",
            "routes/remote",
            "forward/queued",
            "forward/sent",
            "forward/resent",
            "forward/received",
            "forward/duplicates",
            "forward/dropped/queue full",
            "forward/dropped/too large",
            "forward/batches",
            "forward/bytes",
            "forward/latency/p50 ms",
            "forward/latency/p99 ms",
            "forward/latency/max ms");
    while (System.nanoTime() < deadline
        && !(expected.stream().allMatch(k -> figures.containsKey("$SYS/broker/cluster/" + k))
            && Long.parseLong(figures.get("$SYS/broker/cluster/forward/sent")) >= 50)) {
      sysIn
          .receive(100, TimeUnit.MILLISECONDS)
          .ifPresent(p -> figures.put(p.getTopic().toString(), text(p)));
    }
    assertThat(figures)
        .containsEntry("$SYS/broker/cluster/node", "n0")
        .containsEntry("$SYS/broker/cluster/nodes/up", "3")
        .containsEntry("$SYS/broker/cluster/nodes/unreachable", "0")
        .containsKeys(
            expected.stream().map(k -> "$SYS/broker/cluster/" + k).toArray(String[]::new));
    assertThat(Long.parseLong(figures.get("$SYS/broker/cluster/forward/sent")))
        .isGreaterThanOrEqualTo(50);

    // switchboard cluster status, asking node 2 over HTTP from this machine
    dev.switchboard.app.CliRun r =
        dev.switchboard.app.CliRun.run(
            dir.resolve("nowhere"), "cluster", "status", "--url", nodes.get(2).httpUrl());
    System.out.print(r.out());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("node n2, as of ").contains("(this node)", "forwarded: ");
    for (ClusterChild n : nodes) {
      assertThat(r.out()).containsPattern("127\\.0\\.0\\.1:" + n.clusterPort() + ".* +Up +yes ");
    }
  }

  /** Node {@code node}'s GET /api/v1/cluster, asked until {@code ready} holds (10 s at most). */
  private static com.fasterxml.jackson.databind.JsonNode awaitFigures(
      int node, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ready)
      throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    com.fasterxml.jackson.databind.JsonNode j;
    do {
      j = mapper.readTree(get(nodes.get(node).httpUrl() + "/api/v1/cluster"));
      if (ready.test(j)) {
        return j;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("node " + node + "'s figures did not come: " + j);
  }

  private static com.fasterxml.jackson.databind.JsonNode memberOn(
      com.fasterxml.jackson.databind.JsonNode figures, int clusterPort) {
    for (com.fasterxml.jackson.databind.JsonNode m : figures.path("nodes")) {
      if (m.path("address").asText().endsWith(":" + clusterPort)) {
        return m;
      }
    }
    throw new AssertionError("no member on port " + clusterPort + " in " + figures);
  }

  private static String get(String url) throws Exception {
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.HttpResponse<String> a =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(a.statusCode()).as(url + ": " + a.body()).isEqualTo(200);
      return a.body();
    }
  }

  /** The value of the series {@code series} (name and labels as printed) in Prometheus' text. */
  private static Double metricValue(String text, String series) {
    return text.lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(null);
  }

  private static Mqtt5PubAckReasonCode reasonOf(Mqtt5PublishResult r) {
    return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
  }

  private static void drain(Mqtt5Publishes in) throws InterruptedException {
    while (in.receive(100, TimeUnit.MILLISECONDS).isPresent()) {
      // probes and warm-up messages
    }
  }
}
