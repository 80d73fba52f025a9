package dev.switchboard.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.MosquittoBroker;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttClientState;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.firmware.Actuator;
import dev.switchboard.device.firmware.MqttTcp;
import dev.switchboard.device.firmware.Sensor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The firmware runtime and the example firmwares against our broker. */
class FirmwareTest {
  @TempDir Path dir;
  TestBroker broker;
  TestDevices devices;
  MqttClient observer;
  final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    broker = TestBroker.start();
    devices = new TestDevices(dir);
    observer =
        MqttClient.init(
            MqttClientConfig.builder()
                .broker(b -> b.uri(url()))
                .credentials(c -> c.clientId("observer"))
                .build());
    observer.registerEvent(MqttEventId.CONNECTED, e -> e.client().subscribe("#", 1));
    observer.registerEvent(
        MqttEventId.DATA,
        e -> seen.add(e.topic() + "=" + e.dataAsString() + (e.retain() ? " (retained)" : "")));
    observer.start();
    await().until(() -> observer.getState() == MqttClientState.CONNECTED);
  }

  @AfterEach
  void tearDown() {
    devices.close();
    observer.destroy();
    broker.close();
  }

  private String url() {
    return "mqtt://127.0.0.1:" + broker.port();
  }

  @Test
  @DisplayName(
      "mqtt_tcp, the handout's example: its log, event by event, prefixed with the device's name")
  void mqttTcp() {
    devices.start(
        "device_x",
        TestDevices.sdkconfig("CONFIG_BROKER_URL", url(), "CONFIG_MQTT_CLIENT_ID", "device_x"),
        new MqttTcp());
    await().until(() -> devices.logged("device_x", "MQTT_EVENT_UNSUBSCRIBED"));
    List<String> mqtt =
        devices.linesOf("device_x").stream()
            .filter(l -> l.contains(" mqtt_example: "))
            .map(l -> l.substring(l.indexOf("mqtt_example: ") + 14))
            .filter(l -> !l.startsWith("[APP]"))
            .toList();
    // ESP-MQTT starts its message ids at a random value: read the first, the rest follow it
    int first = Integer.parseInt(mqtt.get(2).substring(mqtt.get(2).indexOf('=') + 1));
    assertThat(mqtt)
        .containsExactly(
            "Other event id:7", // BEFORE_CONNECT, which ESP-IDF's example leaves to its default
            "MQTT_EVENT_CONNECTED",
            "sent publish successful, msg_id=" + first,
            "sent subscribe successful, msg_id=" + id(first, 1),
            "sent subscribe successful, msg_id=" + id(first, 2),
            "sent unsubscribe successful, msg_id=" + id(first, 3),
            "MQTT_EVENT_PUBLISHED, msg_id=" + first,
            "MQTT_EVENT_SUBSCRIBED, msg_id=" + id(first, 1),
            "MQTT_EVENT_SUBSCRIBED, msg_id=" + id(first, 2),
            "MQTT_EVENT_UNSUBSCRIBED, msg_id=" + id(first, 3));
    assertThat(devices.linesOf("device_x").get(0))
        .matches("device_x I \\(\\d+\\) boot: ESP32 simulated by Switchboard, MAC 24:0a:c4:.*");
    assertThat(seen).contains("/topic/qos1=data_3");
  }

  /** The message id {@code k} after {@code first}: ids run from 1 to 65535 and wrap. */
  static int id(int first, int k) {
    return (first - 1 + k) % 65535 + 1;
  }

  @Test
  @DisplayName("mqtt_tcp against Debian's mosquitto: the same events")
  void mqttTcpOnMosquitto() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        MosquittoBroker.available(),
        () -> "mosquitto skipped: " + MosquittoBroker.skipReason().orElse("not available"));
    try (MosquittoBroker mosquitto = MosquittoBroker.builder().start()) {
      devices.start(
          "device_q",
          TestDevices.sdkconfig(
              "CONFIG_BROKER_URL",
              "mqtt://127.0.0.1:" + mosquitto.port(),
              "CONFIG_MQTT_CLIENT_ID",
              "device_q"),
          new MqttTcp());
      await().until(() -> devices.logged("device_q", "MQTT_EVENT_UNSUBSCRIBED"));
      assertThat(devices.linesOf("device_q"))
          .anyMatch(l -> l.endsWith("mqtt_example: MQTT_EVENT_CONNECTED"))
          .anyMatch(l -> l.contains("mqtt_example: MQTT_EVENT_PUBLISHED, msg_id="))
          .anyMatch(l -> l.contains("mqtt_example: MQTT_EVENT_SUBSCRIBED, msg_id="));
    }
  }

  @Test
  @DisplayName("without a client id, ESP-MQTT's default ESP32_xxxxxx comes from the device's MAC")
  void defaultClientId() {
    AtomicReference<String> id = new AtomicReference<>();
    Device d =
        devices.start(
            "device_m",
            TestDevices.sdkconfig(),
            esp -> {
              esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
              id.set(
                  esp.esp_mqtt_client_init(
                          MqttClientConfig.builder().broker(b -> b.uri(url())).build())
                      .clientId());
            });
    await().until(() -> id.get() != null);
    byte[] mac = d.config().mac();
    assertThat(id.get())
        .isEqualTo(
            String.format("ESP32_%02x%02X%02X", mac[3] & 0xFF, mac[4] & 0xFF, mac[5] & 0xFF));
  }

  @Test
  @DisplayName(
      "sensor: JSON telemetry, online/offline status, its boot count kept in NVS across esp_restart")
  void sensor() {
    Device d =
        devices.start(
            "sensor_1",
            TestDevices.sdkconfig(
                "CONFIG_BROKER_URL",
                url(),
                "CONFIG_MQTT_CLIENT_ID",
                "sensor_1",
                "CONFIG_SENSOR_PERIOD_S",
                "1"),
            new Sensor());
    await().until(() -> seen.contains("sensor_1/status=online"));
    await()
        .until(
            () ->
                seen.stream()
                    .anyMatch(
                        s -> s.startsWith("sensor_1/telemetry=") && s.contains("\"boot\":1}")));
    assertThat(
            seen.stream()
                .filter(s -> s.startsWith("sensor_1/telemetry="))
                .findFirst()
                .orElseThrow())
        .matches(
            "sensor_1/telemetry=\\{\"temperature\":\\d+\\.\\d,\"humidity\":\\d+\\.\\d,\"boot\":1}");
    d.reboot();
    await().until(() -> seen.stream().anyMatch(s -> s.contains("\"boot\":2}")));
    assertThat(d.bootNumber()).isEqualTo(2);
    // the restart closed the old connection without a DISCONNECT: the will said offline
    assertThat(seen).contains("sensor_1/status=offline");
    d.stop();
    await()
        .until(
            () ->
                seen.lastIndexOf("sensor_1/status=offline")
                    > seen.lastIndexOf("sensor_1/status=online"));
  }

  @Test
  @DisplayName(
      "actuator: commands set the LED, its state retained; after a restart it comes back from NVS")
  void actuator() {
    Device d =
        devices.start(
            "led_1",
            TestDevices.sdkconfig("CONFIG_BROKER_URL", url(), "CONFIG_MQTT_CLIENT_ID", "led_1"),
            new Actuator());
    await().until(() -> seen.contains("led_1/led=off"));
    observer.publish("led_1/led/set", "on", 1, false);
    await().until(() -> seen.contains("led_1/led=on"));
    observer.publish("led_1/led/set", "toggle", 1, false);
    await().until(() -> seen.lastIndexOf("led_1/led=off") > seen.indexOf("led_1/led=on"));
    observer.publish("led_1/led/set", "on", 1, false);
    await().until(() -> seen.stream().filter(s -> s.equals("led_1/led=on")).count() == 2);
    seen.clear();
    d.reboot();
    await().until(() -> seen.contains("led_1/status=online"));
    await().until(() -> seen.contains("led_1/led=on"));
    assertThat(devices.logged("led_1", "actuator: LED is on")).isTrue();
  }

  @Test
  @DisplayName("vTaskDelay, xTaskCreate and a periodic esp_timer run on the device's tasks")
  void tasksAndTimers() {
    List<String> ran = new CopyOnWriteArrayList<>();
    devices.start(
        "device_t",
        TestDevices.sdkconfig(),
        esp -> {
          EspTimer[] timer = new EspTimer[1];
          esp.ESP_ERROR_CHECK(
              esp.esp_timer_create(
                  "tick", () -> ran.add("timer on " + Thread.currentThread().getName()), timer));
          esp.ESP_ERROR_CHECK(esp.esp_timer_start_periodic(timer[0], 20_000));
          esp.xTaskCreate(() -> ran.add("task on " + Thread.currentThread().getName()), "blink");
          esp.vTaskDelay(Esp32.pdMS_TO_TICKS(100));
          ran.add("main after delay at " + (esp.esp_timer_get_time() >= 100_000));
        });
    await().until(() -> ran.contains("main after delay at true"));
    assertThat(ran).contains("task on blink device_t", "timer on esp_timer device_t");
  }
}
