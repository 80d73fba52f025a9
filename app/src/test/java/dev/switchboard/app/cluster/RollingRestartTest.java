package dev.switchboard.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart under load: each of three nodes in turn is stopped (SIGTERM: it leaves the
 * cluster) and started again while a QoS 1 publisher on a second node publishes to a subscriber on
 * the third, and to one on the restarting node (so that the publisher's acknowledgements wait for
 * that node too until it leaves). Every message the publisher got a PUBACK for reaches the
 * subscriber on the third node, and the publisher is never left waiting: it is acknowledged again
 * once the restarting node has left. Counts are printed. The nodes start once for the class; the
 * restarts take most of its time.
 */
class RollingRestartTest {
  private static final String NODE_CONFIG =
      "switchboard.limits.max-queued-messages = 20000\n" // see PublisherNodeKillTest
          // the product's default, not the 1 s ClusterChild sets: restarted, the first seed heard
          // back from the others only after 1 to 2 s, and with 1 s it started a cluster of its own
          + "switchboard.cluster.first-seed-wait = 5s\n";

  @TempDir static Path dir;

  private static final List<ClusterChild> nodes = new ArrayList<>();
  private static String seeds;

  @BeforeAll
  static void startThreeNodes() throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.add(
          new ClusterChild("r" + i, dir.resolve("r" + i), ClusterChild.freePort(), NODE_CONFIG));
    }
    seeds = ClusterChild.startAll(nodes);
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ClusterChild n : nodes) {
      n.stop();
    }
    for (ClusterChild n : nodes) {
      n.awaitStop();
    }
    ClusterChild.printLogs(nodes, l -> l.contains("ERROR"));
    nodes.forEach(ClusterChild::close);
  }

  /**
   * Connects to {@code node}, trying again for a while: a CONNECT waits for its client id's owner,
   * which may be moving while a node leaves or joins.
   */
  private static Mqtt5AsyncClient connect(int node, String clientId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Mqtt5AsyncClient c =
          Mqtt5Client.builder()
              .identifier(clientId)
              .serverHost("127.0.0.1")
              .serverPort(nodes.get(node).mqttPort())
              .buildAsync();
      try {
        c.connect().join();
        return c;
      } catch (RuntimeException refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
        Thread.sleep(200);
      }
    }
  }

  private static Mqtt5Publish message(String topic, String payload) {
    return Mqtt5Publish.builder()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  @DisplayName(
      "each of three nodes restarted in turn under QoS 1 load between the other two: nothing"
          + " acknowledged is lost, and the publisher goes on being acknowledged")
  void rollingRestart() throws Exception {
    for (int restarting = 0; restarting < 3; restarting++) {
      int publisherNode = (restarting + 1) % 3;
      int subscriberNode = (restarting + 2) % 3;
      String topic = "roll/" + restarting;

      ConcurrentHashMap<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
      Mqtt5AsyncClient sub = connect(subscriberNode, "roll-sub-" + restarting);
      CountDownLatch probed = new CountDownLatch(2);
      Set<String> probedBy = ConcurrentHashMap.newKeySet();
      sub.publishes(
          MqttGlobalPublishFilter.ALL,
          p -> {
            String text = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
            if (text.equals("probe")) {
              if (probedBy.add("sub")) {
                probed.countDown();
              }
            } else {
              received
                  .computeIfAbsent(Integer.parseInt(text), n -> new AtomicInteger())
                  .incrementAndGet();
            }
          });
      sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send().join();
      // a subscriber on the node about to restart: the publisher's PUBACKs wait for it too
      Mqtt5AsyncClient leaving = connect(restarting, "roll-leaving-" + restarting);
      leaving.publishes(
          MqttGlobalPublishFilter.ALL,
          p -> {
            if (probedBy.add("leaving")) {
              probed.countDown();
            }
          });
      leaving.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send().join();

      Mqtt5AsyncClient pub = connect(publisherNode, "roll-pub-" + restarting);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!probed.await(20, TimeUnit.MILLISECONDS)) {
        assertThat(System.nanoTime()).as("both routes reached the publisher").isLessThan(deadline);
        pub.publish(message(topic, "probe"));
      }

      Set<Integer> acked = ConcurrentHashMap.newKeySet();
      AtomicBoolean publishing = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Thread publisher =
          new Thread(
              () -> {
                int n = 0;
                while (publishing.get()) {
                  int number = ++n;
                  sent.set(number);
                  pub.publish(message(topic, String.valueOf(number)))
                      .whenComplete(
                          (result, failure) -> {
                            if (failure == null && acknowledged(result)) {
                              acked.add(number);
                            }
                          });
                  LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // ~1,000 a second
                }
              },
              "roll-publisher-" + restarting);
      publisher.start();
      Thread.sleep(500);
      ClusterChild node = nodes.get(restarting);
      node.stop();
      node.awaitStop();
      int ackedWhileDown = acked.size();
      node.start(seeds);
      node.awaitListening();
      // the old run left the cluster before it ended: listed again, the new run has joined
      ClusterChild other = nodes.get(publisherNode);
      long rejoined = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!other.listsMember(node.clusterAddress()) && System.nanoTime() < rejoined) {
        Thread.sleep(200);
      }
      assertThat(other.listsMember(node.clusterAddress()))
          .as("node %d, restarted, is in the others' cluster (not one of its own)", restarting)
          .isTrue();
      Thread.sleep(1_000);
      publishing.set(false);
      publisher.join(10_000);

      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!received.keySet().containsAll(acked) && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      Set<Integer> missing = new TreeSet<>(acked);
      missing.removeAll(received.keySet());
      long duplicates = received.values().stream().filter(c -> c.get() > 1).count();
      System.out.printf(
          "cluster rolling restart of node %d (publisher on %d, subscriber on %d): %d sent, %d"
              + " PUBACKed (%d by the time it had stopped), %d received, %d twice or more, %d"
              + " PUBACKed and missing%n",
          restarting,
          publisherNode,
          subscriberNode,
          sent.get(),
          acked.size(),
          ackedWhileDown,
          received.size(),
          duplicates,
          missing.size());
      assertThat(missing)
          .as("restart of node %d: PUBACKed and never received", restarting)
          .isEmpty();
      assertThat(acked.size())
          .as("the publisher was acknowledged after node %d had stopped", restarting)
          .isGreaterThan(ackedWhileDown);
      pub.disconnect().join();
      sub.disconnect().join();
    }
  }

  private static boolean acknowledged(Mqtt5PublishResult result) {
    return result instanceof Mqtt5PublishResult.Mqtt5Qos1Result q
        && q.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.SUCCESS;
  }
}
