package dev.switchboard.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wills in a cluster of three JVMs on 127.0.0.1: a will crosses nodes, and the wills of clean
 * sessions held by a node that is killed ({@code kill -9}) are published by the oldest node left
 * once the dead node is removed.
 */
@DisplayName("Wills in a cluster: across nodes, and those of a node that dies")
class ClusterWillsTest {
  @TempDir Path dir;
  private final List<ClusterChild> nodes = new ArrayList<>();
  private final List<RawClient> raw = new ArrayList<>();
  private Mqtt5BlockingClient watcher;

  @AfterEach
  void stop() throws Exception {
    raw.forEach(RawClient::close);
    if (watcher != null) {
      watcher.disconnect();
    }
    nodes.forEach(ClusterChild::stop);
    for (ClusterChild n : nodes) {
      n.awaitStop();
    }
    for (ClusterChild n : nodes) {
      n.log()
          .lines()
          .filter(
              l ->
                  l.contains("wills of")
                      || l.contains("removed")
                      || l.contains("ERROR")
                      || l.startsWith("\tat ")
                      || l.contains("Exception"))
          .forEach(l -> System.out.println(n.name() + " log: " + l));
    }
    nodes.forEach(ClusterChild::close);
  }

  private RawClient withWill(ClusterChild node, String id, String willPayload) {
    RawClient c = RawClient.open(node.mqttPort(), MqttVersion.V3_1_1);
    raw.add(c);
    ConnAck ack =
        c.connect(
            id,
            true,
            60,
            MqttProperties.EMPTY,
            new Will(
                "lwt/" + id,
                willPayload.getBytes(StandardCharsets.UTF_8),
                1,
                false,
                MqttProperties.EMPTY));
    assertThat(ack.reasonCode()).as("CONNACK of %s", id).isZero();
    return c;
  }

  @Test
  @DisplayName(
      "a dropped client's will reaches another node; after kill -9 of their node, the wills of its"
          + " clients are published once")
  void willsOfADeadNode() throws Exception {
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ClusterChild n =
          new ClusterChild(
              "w" + i,
              dir.resolve("w" + i),
              ClusterChild.freePort(),
              "switchboard.cluster.stable-after = 2s\n");
      nodes.add(n);
      seeds.add("127.0.0.1:" + n.clusterPort());
    }
    for (ClusterChild n : nodes) {
      n.start(String.join(",", seeds));
    }
    for (ClusterChild n : nodes) {
      n.awaitListening();
    }
    watcher =
        Mqtt5Client.builder()
            .identifier("watcher")
            .serverHost("127.0.0.1")
            .serverPort(nodes.get(1).mqttPort())
            .buildBlocking();
    watcher.connect();
    Mqtt5Publishes in = watcher.publishes(MqttGlobalPublishFilter.ALL);
    watcher.subscribeWith().topicFilter("lwt/#").qos(MqttQos.AT_LEAST_ONCE).send();

    // a will crosses nodes: a client of node 2 drops its connection (until the route is there)
    String crossed = null;
    for (int attempt = 0; attempt < 50 && crossed == null; attempt++) {
      withWill(nodes.get(2), "dev-c", "offline-c").drop();
      crossed = next(in, 200);
    }
    assertThat(crossed).as("the will of a client of node 2").isEqualTo("lwt/dev-c offline-c");
    drain(in);

    ClusterChild doomed = nodes.get(0);
    withWill(doomed, "dev-a", "offline-a");
    withWill(doomed, "dev-b", "offline-b");
    Thread.sleep(1_000); // the wills are written to every node at once; a second is plenty
    long killed = System.nanoTime();
    doomed.close(); // kill -9
    List<String> wills = new ArrayList<>();
    wills.add(next(in, 60_000));
    long published = System.nanoTime();
    String more;
    while ((more = next(in, 2_000)) != null) {
      wills.add(more);
    }
    assertThat(wills)
        .as("the wills of the dead node's clients, each once")
        .containsExactlyInAnyOrder("lwt/dev-a offline-a", "lwt/dev-b offline-b");
    System.out.printf(
        "cluster: wills of a node killed with kill -9 published %d ms after the kill%n",
        TimeUnit.NANOSECONDS.toMillis(published - killed));
  }

  /** The next message's topic and payload, or null if none comes within {@code millis}. */
  private static String next(Mqtt5Publishes in, long millis) throws InterruptedException {
    Optional<Mqtt5Publish> p = in.receive(millis, TimeUnit.MILLISECONDS);
    return p.map(
            m -> m.getTopic() + " " + new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8))
        .orElse(null);
  }

  private static void drain(Mqtt5Publishes in) throws InterruptedException {
    while (in.receive(300, TimeUnit.MILLISECONDS).isPresent()) {
      // the same will from an earlier attempt that reached the node late
    }
  }
}
