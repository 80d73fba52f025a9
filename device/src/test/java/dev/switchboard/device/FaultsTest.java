package dev.switchboard.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.net.WifiEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: a link down, an address lost, the broker unreachable. While the device has no way to the
 * broker its MQTT sockets are closed (the broker publishes its will) and connecting fails; the
 * client's own reconnect logic brings it back.
 */
class FaultsTest {
  @TempDir Path dir;
  TestBroker broker;
  TestDevices devices;
  MqttClient observer;
  final List<String> statuses = new CopyOnWriteArrayList<>();
  final List<String> deviceEvents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    broker = TestBroker.start();
    devices = new TestDevices(dir);
    observer =
        MqttClient.init(
            MqttClientConfig.builder()
                .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
                .credentials(c -> c.clientId("observer"))
                .build());
    observer.registerEvent(MqttEventId.CONNECTED, e -> e.client().subscribe("+/status", 1));
    observer.registerEvent(MqttEventId.DATA, e -> statuses.add(e.topic() + "=" + e.dataAsString()));
    observer.start();
    await().until(() -> observer.getState() == dev.switchboard.client.MqttClientState.CONNECTED);
  }

  @AfterEach
  void tearDown() {
    devices.close();
    observer.destroy();
    broker.close();
  }

  /**
   * example_connect, then a client with a will, reconnecting after 200 ms, online when connected.
   */
  private Firmware withWill() {
    return esp -> {
      esp.ESP_ERROR_CHECK(esp.nvs_flash_init());
      esp.ESP_ERROR_CHECK(esp.esp_netif_init());
      esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
      esp.esp_event_handler_register(
          WifiEvents.IP_EVENT,
          WifiEvents.IP_EVENT_STA_LOST_IP,
          (b, id, d) -> deviceEvents.add("LOST_IP"));
      esp.ESP_ERROR_CHECK(esp.example_connect());
      String status = esp.deviceName() + "/status";
      MqttClient client =
          esp.esp_mqtt_client_init(
              MqttClientConfig.builder()
                  .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
                  .credentials(c -> c.clientId(esp.deviceName()))
                  .session(s -> s.lastWill(status, "offline", 1, false))
                  .network(n -> n.reconnectTimeout(Duration.ofMillis(200)))
                  .build());
      client.registerEvent(
          MqttEventId.ANY,
          e -> {
            switch (e.eventId()) {
              case CONNECTED -> {
                deviceEvents.add("CONNECTED");
                e.client().publish(status, "online", 1, false);
              }
              case DISCONNECTED -> deviceEvents.add("DISCONNECTED");
              case ERROR -> deviceEvents.add("ERROR errno " + e.errorHandle().sockErrno());
              default -> {}
            }
          });
      client.start();
    };
  }

  private Device startAndAwaitOnline(String name) {
    Device d = devices.start(name, TestDevices.sdkconfig(), withWill());
    await().until(() -> statuses.contains(name + "/status=online"));
    statuses.clear();
    deviceEvents.clear();
    return d;
  }

  @Test
  @DisplayName("link down shorter than the retries: reason 200, the will, Wi-Fi and MQTT come back")
  void linkDown() {
    Device d = startAndAwaitOnline("device_1");
    // the test's scans fail after 30 ms: six retries take 180 ms or more
    d.linkDown(Duration.ofMillis(100));
    await().until(() -> statuses.contains("device_1/status=offline"));
    await().until(() -> statuses.contains("device_1/status=online"));
    assertThat(statuses).containsExactly("device_1/status=offline", "device_1/status=online");
    assertThat(deviceEvents).contains("DISCONNECTED", "CONNECTED");
    assertThat(devices.logged("device_1", "Wi-Fi disconnected 200, trying to reconnect..."))
        .isTrue();
  }

  @Test
  @DisplayName(
      "link down longer than the retries: example_connect stops reconnecting, as ESP-IDF's")
  void linkDownForGood() {
    Device d = startAndAwaitOnline("device_4");
    d.linkDown(Duration.ofSeconds(30));
    await().until(() -> devices.logged("device_4", "WiFi Connect failed 7 times, stop reconnect."));
    await().until(() -> statuses.contains("device_4/status=offline"));
    assertThat(statuses).containsExactly("device_4/status=offline");
    assertThat(deviceEvents).contains("DISCONNECTED").doesNotContain("CONNECTED");
  }

  @Test
  @DisplayName(
      "broker unreachable 1 s: sockets closed, connects fail with errno 113, then it reconnects")
  void brokerUnreachable() {
    Device d = startAndAwaitOnline("device_2");
    d.brokerUnreachable(Duration.ofSeconds(1));
    await().until(() -> statuses.contains("device_2/status=online"));
    assertThat(statuses).containsExactly("device_2/status=offline", "device_2/status=online");
    assertThat(deviceEvents).contains("ERROR errno 113").endsWith("CONNECTED");
  }

  @Test
  @DisplayName("address lost 1 s: LOST_IP, the will, then GOT_IP and the client reconnects")
  void addressLost() {
    Device d = startAndAwaitOnline("device_3");
    d.loseAddress(Duration.ofSeconds(1));
    await().until(() -> statuses.contains("device_3/status=online"));
    assertThat(statuses).containsExactly("device_3/status=offline", "device_3/status=online");
    // the socket closes as the address goes; LOST_IP comes through the loop, before or after
    assertThat(deviceEvents).contains("LOST_IP", "DISCONNECTED").endsWith("CONNECTED");
  }
}
