package dev.switchboard.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttClientNetwork;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.event.EspEvent;
import dev.switchboard.device.event.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The client's events through a device's default event loop, base MQTT_EVENTS. */
class MqttEventsRelayTest {
  final TestBroker broker = TestBroker.start();
  final EspEvent esp = new EspEvent("device_x", e -> {});

  @AfterEach
  void close() {
    esp.shutdown();
    broker.close();
  }

  private MqttClient client(MqttEventsRelay relay, String id) {
    MqttClientConfig config =
        MqttClientConfig.builder()
            .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
            .credentials(c -> c.clientId(id))
            .build();
    MqttClient client = MqttClient.init(config, MqttClientNetwork.shared(), relay);
    relay.bind(client);
    return client;
  }

  @Test
  @DisplayName(
      "handlers registered on the client run on the default loop's task (sys_evt), in order; stop() from one refuses")
  void throughTheDefaultLoop() {
    esp.loopCreateDefault();
    MqttEventsRelay relay = new MqttEventsRelay(esp);
    MqttClient client = client(relay, "device_x");
    List<String> seen = new CopyOnWriteArrayList<>();
    List<String> onLoop = new CopyOnWriteArrayList<>();
    List<Throwable> stopFromHandler = new CopyOnWriteArrayList<>();
    client.registerEvent(
        MqttEventId.ANY,
        e -> {
          seen.add(e.eventId() + " on " + Thread.currentThread().getName());
          if (e.eventId() == MqttEventId.CONNECTED) {
            e.client().publish("/topic/qos1", "data_3", 1, false);
            try {
              e.client().stop();
            } catch (IllegalStateException refused) {
              stopFromHandler.add(refused);
            }
          }
        });
    // a firmware's own registration on the default loop sees the same events, with ESP-MQTT's ids
    esp.handlerRegister(
        MqttEventsRelay.MQTT_EVENTS,
        EventLoop.ESP_EVENT_ANY_ID,
        (base, id, data) -> onLoop.add(base + ":" + id + ":" + ((MqttEvent) data).eventId()));
    client.start();
    await().until(() -> seen.size() >= 3);
    client.stop();
    assertThat(seen)
        .startsWith(
            "BEFORE_CONNECT on sys_evt device_x",
            "CONNECTED on sys_evt device_x",
            "PUBLISHED on sys_evt device_x");
    assertThat(onLoop)
        .startsWith(
            "MQTT_EVENTS:7:BEFORE_CONNECT", "MQTT_EVENTS:1:CONNECTED", "MQTT_EVENTS:5:PUBLISHED");
    assertThat(stopFromHandler).hasSize(1);
  }

  @Test
  @DisplayName("two clients on one default loop: each client's handlers see only its own events")
  void twoClients() {
    esp.loopCreateDefault();
    MqttClient a = client(new MqttEventsRelay(esp), "device_a");
    MqttClient b = client(new MqttEventsRelay(esp), "device_b");
    List<String> seenByA = new CopyOnWriteArrayList<>();
    List<String> seenByB = new CopyOnWriteArrayList<>();
    a.registerEvent(MqttEventId.CONNECTED, e -> seenByA.add(e.client().clientId()));
    b.registerEvent(MqttEventId.CONNECTED, e -> seenByB.add(e.client().clientId()));
    a.start();
    b.start();
    await().until(() -> seenByA.size() == 1 && seenByB.size() == 1);
    a.destroy();
    b.destroy();
    assertThat(seenByA).containsExactly("device_a");
    assertThat(seenByB).containsExactly("device_b");
  }

  @Test
  @DisplayName("without a default loop, the client's own loop runs on its task, as ESP-MQTT's does")
  void withoutDefaultLoop() {
    MqttEventsRelay relay = new MqttEventsRelay(esp);
    MqttClient client = client(relay, "device_y");
    List<String> threads = new CopyOnWriteArrayList<>();
    client.registerEvent(MqttEventId.CONNECTED, e -> threads.add(Thread.currentThread().getName()));
    client.start();
    await().until(() -> threads.size() == 1);
    client.destroy();
    assertThat(threads).containsExactly("mqtt_task device_y");
  }
}
