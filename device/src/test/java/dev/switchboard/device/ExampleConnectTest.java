package dev.switchboard.device;

import static dev.switchboard.device.esp.EspErr.ESP_FAIL;
import static dev.switchboard.device.esp.EspErr.ESP_OK;
import static dev.switchboard.device.net.WifiEvents.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.device.event.EventBase;
import dev.switchboard.device.event.EventLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** example_connect, the Wi-Fi station's events and retries, as protocol_examples_common's. */
class ExampleConnectTest {
  @TempDir Path dir;
  TestDevices devices;
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);

  @BeforeEach
  void setUp() {
    devices = new TestDevices(dir);
  }

  @AfterEach
  void tearDown() {
    devices.close();
  }

  /** Records the Wi-Fi and IP events, then calls example_connect and keeps what it returns. */
  private Firmware recordingConnect() {
    return esp -> {
      esp.ESP_ERROR_CHECK(esp.nvs_flash_init());
      esp.ESP_ERROR_CHECK(esp.esp_netif_init());
      esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
      for (EventBase base : List.of(WIFI_EVENT, IP_EVENT)) {
        esp.esp_event_handler_register(
            base,
            EventLoop.ESP_EVENT_ANY_ID,
            (b, id, data) ->
                events.add(
                    b
                        + ":"
                        + id
                        + (data instanceof StaDisconnected d ? " reason " + d.reason() : "")));
      }
      result.set(esp.example_connect());
    };
  }

  @Test
  @DisplayName(
      "the right password: STA_START, STA_CONNECTED, GOT_IP; example_connect returns ESP_OK")
  void connects() {
    devices.start("device_1", TestDevices.sdkconfig(), recordingConnect());
    await().until(() -> result.get() != Integer.MIN_VALUE);
    assertThat(result.get()).isEqualTo(ESP_OK);
    assertThat(events).containsExactly("WIFI_EVENT:2", "WIFI_EVENT:4", "IP_EVENT:0");
    assertThat(devices.linesOf("device_1"))
        .anyMatch(
            l -> l.matches("device_1 I \\(\\d+\\) example_connect: Connecting to lab\\.\\.\\."))
        .anyMatch(l -> l.contains("example_common: - IPv4 address: 10."));
  }

  @Test
  @DisplayName("a wrong password never connects: reason 15, six retries, then ESP_FAIL")
  void wrongPassword() {
    devices.start(
        "device_2",
        TestDevices.sdkconfig("CONFIG_EXAMPLE_WIFI_PASSWORD", "not-the-password"),
        recordingConnect());
    await().until(() -> result.get() != Integer.MIN_VALUE);
    assertThat(result.get()).isEqualTo(ESP_FAIL);
    assertThat(events.stream().filter(e -> e.equals("WIFI_EVENT:5 reason 15"))).hasSize(7);
    assertThat(events).doesNotContain("WIFI_EVENT:4", "IP_EVENT:0").startsWith("WIFI_EVENT:2");
    assertThat(devices.logged("device_2", "WiFi Connect failed 7 times, stop reconnect.")).isTrue();
  }

  @Test
  @DisplayName(
      "an SSID not in reach: reason 201; CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY=2 gives up after 3")
  void noAccessPoint() {
    devices.start(
        "device_3",
        TestDevices.sdkconfig(
            "CONFIG_EXAMPLE_WIFI_SSID", "elsewhere", "CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY", "2"),
        recordingConnect());
    await().until(() -> result.get() != Integer.MIN_VALUE);
    assertThat(result.get()).isEqualTo(ESP_FAIL);
    assertThat(events)
        .containsExactly(
            "WIFI_EVENT:2",
            "WIFI_EVENT:5 reason 201",
            "WIFI_EVENT:5 reason 201",
            "WIFI_EVENT:5 reason 201");
  }

  @Test
  @DisplayName(
      "ESP_ERROR_CHECK(example_connect()) with a wrong password stops that device only, saying why")
  void errorCheckAbortsOneDevice() {
    Firmware handout =
        esp -> {
          esp.ESP_ERROR_CHECK(esp.nvs_flash_init());
          esp.ESP_ERROR_CHECK(esp.esp_netif_init());
          esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
          esp.ESP_ERROR_CHECK(esp.example_connect());
          events.add("connected " + esp.deviceName());
        };
    Device bad =
        devices.start(
            "device_4", TestDevices.sdkconfig("CONFIG_EXAMPLE_WIFI_PASSWORD", "wrong"), handout);
    Device good = devices.start("device_5", TestDevices.sdkconfig(), handout);
    await().until(() -> bad.state() == Device.State.ABORTED);
    await().until(() -> events.contains("connected device_5"));
    assertThat(good.state()).isEqualTo(Device.State.RUNNING);
    assertThat(events).doesNotContain("connected device_4");
    assertThat(bad.stopReason())
        .startsWith(
            "ESP_ERROR_CHECK failed: esp_err_t 0xffffffff (ESP_FAIL) file: \"ExampleConnectTest.java\" line ");
    assertThat(devices.logged("device_4", "abort() was called")).isTrue();
  }
}
