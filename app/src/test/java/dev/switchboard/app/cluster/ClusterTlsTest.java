package dev.switchboard.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.switchboard.app.CliRun;
import dev.switchboard.broker.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS between nodes, each node in a JVM of its own on 127.0.0.1: two nodes with certificates of one
 * CA form a cluster and forward messages; a node whose certificate another CA signed does not get
 * in; a node with a key Pekko cannot read does not start, and says which setting is wrong.
 */
@DisplayName("A cluster over TLS: members of one CA only")
class ClusterTlsTest {
  @TempDir Path dir;
  private final List<ClusterChild> nodes = new ArrayList<>();
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Mqtt5BlockingClient c : clients) {
      try {
        c.disconnect();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    nodes.forEach(ClusterChild::stop);
    for (ClusterChild n : nodes) {
      n.awaitStop();
    }
    nodes.forEach(ClusterChild::close);
  }

  private ClusterChild node(String name, TestPki pki, TestPki.Issued cert) throws Exception {
    String tls =
        "switchboard.cluster.tls { enabled = true, certificate = \"%s\", key = \"%s\", ca = \"%s\" }\n"
            .formatted(cert.certificateFile(), cert.keyFile(), pki.caFile());
    ClusterChild n = new ClusterChild(name, dir.resolve(name), ClusterChild.freePort(), tls);
    nodes.add(n);
    return n;
  }

  @Test
  @DisplayName(
      "two nodes of one CA forward over TLS; a node signed by another CA stays out while they go"
          + " on")
  void membersOfOneCaOnly() throws Exception {
    TestPki pki = TestPki.create(dir, "cluster");
    ClusterChild a = node("a", pki, pki.node("a", "switchboard-cluster"));
    ClusterChild b = node("b", pki, pki.node("b", "switchboard-cluster"));
    String seeds = "127.0.0.1:" + a.clusterPort() + ",127.0.0.1:" + b.clusterPort();
    b.start(seeds);
    a.start(seeds);
    a.awaitListening();
    b.awaitListening();

    Mqtt5BlockingClient sub = client(b, "tls-sub");
    Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("tls/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = client(a, "tls-pub");
    assertThat(awaitDelivery(pub, in, "tls/first")).as("forwarded from a to b over TLS").isTrue();

    // the same subject, signed by a CA the members do not trust
    TestPki stranger = TestPki.create(dir, "stranger");
    ClusterChild c = node("c", stranger, stranger.node("c", "switchboard-cluster"));
    c.start(seeds);
    // until its seeds have refused it (the handshake fails on its side: its certificate is
    // unknown to them), then one more status file of a's (written every 2 s)
    await().atMost(Duration.ofSeconds(30)).until(() -> c.log().contains("SSLHandshakeException"));
    Thread.sleep(2_500);
    CliRun status = CliRun.run(a.dataDir(), "cluster", "status");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out())
        .as("a's view of the cluster")
        .contains("127.0.0.1:" + b.clusterPort())
        .doesNotContain("127.0.0.1:" + c.clusterPort());
    String strangerLog = c.log();
    assertThat(strangerLog).as("the stranger's log").doesNotContain("Welcome from");
    // why it stayed out, for the reader: the handshakes its seeds refused
    strangerLog
        .lines()
        .filter(l -> l.contains("SSL") || l.contains("TLS") || l.contains("andshake"))
        .limit(3)
        .forEach(l -> System.out.println("c log: " + l));
    assertThat(awaitDelivery(pub, in, "tls/after"))
        .as("the members still forward to each other")
        .isTrue();
  }

  private Mqtt5BlockingClient client(ClusterChild node, String id) {
    Mqtt5BlockingClient c =
        Mqtt5Client.builder()
            .identifier(id)
            .serverHost("127.0.0.1")
            .serverPort(node.mqttPort())
            .buildBlocking();
    c.connect();
    clients.add(c);
    return c;
  }

  /**
   * Publishes QoS 1 on {@code topic} every 20 ms until {@code in} has it (the route may still be on
   * its way), for at most 30 s; false if it never came.
   */
  private static boolean awaitDelivery(Mqtt5BlockingClient pub, Mqtt5Publishes in, String topic)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      pub.publish(
          Mqtt5Publish.builder()
              .topic(topic)
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload("x".getBytes(StandardCharsets.UTF_8))
              .build());
      Optional<Mqtt5Publish> got = in.receive(20, TimeUnit.MILLISECONDS);
      while (got.isPresent()) {
        if (got.get().getTopic().toString().equals(topic)) {
          return true;
        }
        got = in.receive(1, TimeUnit.MILLISECONDS);
      }
    }
    return false;
  }
}
