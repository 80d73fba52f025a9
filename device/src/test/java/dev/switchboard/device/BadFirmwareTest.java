package dev.switchboard.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.device.nvs.NvsHandle;
import dev.switchboard.device.nvs.NvsOpenMode;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A firmware that throws, never yields, or fails an ESP_ERROR_CHECK stops its own device, with a
 * clear log line; a well-behaved device next to it goes on.
 */
class BadFirmwareTest {
  @TempDir Path dir;
  TestDevices devices;
  final AtomicInteger goodTicks = new AtomicInteger();
  Device good;

  @BeforeEach
  void setUp() {
    devices = new TestDevices(dir);
    good =
        devices.start(
            "good",
            TestDevices.sdkconfig(),
            esp -> {
              while (true) {
                goodTicks.incrementAndGet();
                esp.vTaskDelay(1);
              }
            });
  }

  @AfterEach
  void tearDown() {
    devices.close();
  }

  private void assertGoodGoesOn() {
    int before = goodTicks.get();
    await().until(() -> goodTicks.get() > before + 5);
    assertThat(good.state()).isEqualTo(Device.State.RUNNING);
  }

  @Test
  @DisplayName("app_main throws: that device is ABORTED, the log names the exception and line")
  void throwsFromAppMain() {
    Device bad =
        devices.start(
            "bad",
            TestDevices.sdkconfig(),
            esp -> {
              throw new IllegalStateException("sensor not found");
            });
    await().until(() -> bad.state() == Device.State.ABORTED);
    assertThat(bad.stopReason())
        .startsWith(
            "app_main threw java.lang.IllegalStateException: sensor not found at BadFirmwareTest.java:");
    assertThat(devices.logged("bad", "E (")).isTrue();
    assertGoodGoesOn();
  }

  @Test
  @DisplayName(
      "ESP_ERROR_CHECK on ESP_ERR_NVS_NOT_FOUND: aborted with the code, its name, file and line")
  void errorCheck() {
    Device bad =
        devices.start(
            "bad",
            TestDevices.sdkconfig(),
            esp -> {
              esp.ESP_ERROR_CHECK(esp.nvs_flash_init());
              NvsHandle[] h = new NvsHandle[1];
              esp.ESP_ERROR_CHECK(esp.nvs_open("missing", NvsOpenMode.READONLY, h));
            });
    await().until(() -> bad.state() == Device.State.ABORTED);
    assertThat(bad.stopReason())
        .matches(
            "ESP_ERROR_CHECK failed: esp_err_t 0x1102 \\(ESP_ERR_NVS_NOT_FOUND\\) file: \"BadFirmwareTest.java\" line \\d+ func: .*");
    assertGoodGoesOn();
  }

  @Test
  @DisplayName("a main task that never yields: the task watchdog stops that device")
  void neverYields() {
    Device bad =
        devices.start(
            "bad",
            TestDevices.sdkconfig(),
            esp -> {
              long spins = 0;
              while (true) {
                spins += esp.esp_timer_get_time() & 1; // busy, never vTaskDelay
              }
            });
    await().until(() -> bad.state() == Device.State.ABORTED);
    assertThat(bad.stopReason()).startsWith("Task watchdog got triggered: task \"main bad\"");
    assertGoodGoesOn();
  }

  @Test
  @DisplayName("an event handler that throws: that device stops")
  void handlerThrows() {
    Device bad =
        devices.start(
            "bad",
            TestDevices.sdkconfig(),
            esp -> {
              esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
              var base = dev.switchboard.device.event.EventBase.define("APP");
              esp.esp_event_handler_register(
                  base,
                  1,
                  (b, id, d) -> {
                    throw new ArithmeticException("/ by zero");
                  });
              esp.esp_event_post(base, 1, null, 10);
            });
    await().until(() -> bad.state() == Device.State.ABORTED);
    assertThat(bad.stopReason())
        .startsWith("an event handler threw java.lang.ArithmeticException: / by zero");
    assertGoodGoesOn();
  }
}
