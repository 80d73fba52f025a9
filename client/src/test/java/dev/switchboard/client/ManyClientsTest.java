package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many clients in one JVM on one network thread: a simulated fleet. The count is 500 here; the
 * property {@code client.fleet} raises it, and {@code client.fleet.uri} points the fleet at a
 * broker in another process (10,000 clients and their 10,000 broker-side sockets do not fit one
 * process's 20,000 file descriptors here). docs/benchmarks.md has the 10,000-client figures.
 */
@ExtendWith(NettyLeakDetectorExtension.class)
@DisplayName("Many clients share one event loop")
class ManyClientsTest {

  @Test
  @DisplayName("Every client connects, subscribes and gets a broadcast, on one network thread")
  void fleet() {
    int n = Integer.getInteger("client.fleet", 500);
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger subscribed = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    AtomicInteger onVirtualThreads = new AtomicInteger();
    List<MqttClient> clients = new ArrayList<>(n);
    String external = System.getProperty("client.fleet.uri");
    try (TestBroker broker = external == null ? TestBroker.start() : null;
        MqttClientNetwork network = MqttClientNetwork.create(1)) {
      try {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          MqttClient c =
              MqttClient.init(
                  MqttClientConfig.builder()
                      .broker(
                          b ->
                              b.uri(
                                  external != null
                                      ? external
                                      : "mqtt://127.0.0.1:" + broker.port()))
                      .credentials(cr -> cr.clientId("dev-" + clients.size()))
                      .build(),
                  network);
          c.registerEvent(
              MqttEventId.CONNECTED,
              e -> {
                connected.incrementAndGet();
                if (Thread.currentThread().isVirtual()) {
                  onVirtualThreads.incrementAndGet();
                }
                e.client().subscribe("fleet/all", 0);
              });
          c.registerEvent(MqttEventId.SUBSCRIBED, e -> subscribed.incrementAndGet());
          c.registerEvent(MqttEventId.DATA, e -> received.incrementAndGet());
          clients.add(c);
          c.start();
        }
        Awaitility.await()
            .atMost(Recorder.TIMEOUT.multipliedBy(3))
            .until(() -> subscribed.get() == n);
        long ready = System.nanoTime();
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        clients.get(0).publish("fleet/all", "hello", 0, false);
        Awaitility.await().atMost(Recorder.TIMEOUT).until(() -> received.get() == n);
        assertThat(connected.get()).isEqualTo(n);
        assertThat(onVirtualThreads.get()).as("every handler ran on a virtual thread").isEqualTo(n);
        System.out.printf(
            "fleet: %d clients connected and subscribed in %d ms; heap %+d KiB (%.1f KiB per"
                + " client, %s)%n",
            n,
            (ready - start) / 1_000_000,
            (after - before) / 1024,
            (after - before) / 1024.0 / n,
            external == null ? "clients and broker in this JVM" : "clients only");
      } finally {
        clients.forEach(MqttClient::destroy); // before their network and broker close
      }
    }
  }
}
