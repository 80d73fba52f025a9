package dev.switchboard.device.firmware;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NEW_VERSION_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_FOUND;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NO_FREE_PAGES;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.Esp32;
import dev.switchboard.device.EspTimer;
import dev.switchboard.device.Firmware;
import dev.switchboard.device.nvs.NvsHandle;
import dev.switchboard.device.nvs.NvsOpenMode;
import java.util.Locale;
import java.util.Random;

/**
 * A temperature and humidity sensor: every {@code CONFIG_SENSOR_PERIOD_S} seconds (5) it publishes
 * {@code {"temperature":21.5,"humidity":48.0,"boot":3}} to {@code <device>/telemetry} (QoS 1). It
 * counts its boots in NVS ({@code storage/boot_count}), and says {@code online} on {@code
 * <device>/status} (retained) when connected, its last will saying {@code offline} there.
 */
public final class Sensor implements Firmware {
  private static final String TAG = "sensor";

  @Override
  public void app_main(Esp32 esp) {
    int err = esp.nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
      esp.ESP_ERROR_CHECK(esp.nvs_flash_erase());
      err = esp.nvs_flash_init();
    }
    esp.ESP_ERROR_CHECK(err);

    long boots = countBoot(esp);
    esp.ESP_LOGI(TAG, "boot number %d", boots);

    esp.ESP_ERROR_CHECK(esp.esp_netif_init());
    esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
    esp.ESP_ERROR_CHECK(esp.example_connect());

    String status = esp.deviceName() + "/status";
    String telemetry = esp.deviceName() + "/telemetry";
    String clientId = esp.config("CONFIG_MQTT_CLIENT_ID");
    MqttClientConfig cfg =
        MqttClientConfig.builder()
            .broker(b -> b.uri(esp.config("CONFIG_BROKER_URL", "mqtt://127.0.0.1:1883")))
            .credentials(
                c -> {
                  if (clientId != null) {
                    c.clientId(clientId);
                  }
                })
            .session(s -> s.lastWill(status, "offline", 1, true))
            .build();
    MqttClient client = esp.esp_mqtt_client_init(cfg);
    client.registerEvent(
        MqttEventId.CONNECTED,
        e -> {
          esp.ESP_LOGI(TAG, "connected, reporting online");
          e.client().publish(status, "online", 1, true);
        });
    client.registerEvent(
        MqttEventId.DISCONNECTED, e -> esp.ESP_LOGW(TAG, "disconnected, the client reconnects"));
    client.start();

    byte[] mac = new byte[6];
    esp.esp_efuse_mac_get_default(mac);
    Random noise = new Random(((mac[4] & 0xFF) << 8) | (mac[5] & 0xFF));
    double[] reading = {20 + noise.nextDouble() * 5, 40 + noise.nextDouble() * 20};
    EspTimer[] timer = new EspTimer[1];
    esp.ESP_ERROR_CHECK(
        esp.esp_timer_create(
            "sensor",
            () -> {
              reading[0] += (noise.nextDouble() - 0.5) * 0.4;
              reading[1] = Math.max(0, Math.min(100, reading[1] + (noise.nextDouble() - 0.5)));
              String json =
                  String.format(
                      Locale.ROOT,
                      "{\"temperature\":%.1f,\"humidity\":%.1f,\"boot\":%d}",
                      reading[0],
                      reading[1],
                      boots);
              client.publish(telemetry, json, 1, false);
            },
            timer));
    long periodS = esp.configInt("CONFIG_SENSOR_PERIOD_S", 5);
    esp.ESP_ERROR_CHECK(esp.esp_timer_start_periodic(timer[0], periodS * 1_000_000));
  }

  /** Reads, increments and writes back the boot counter, as ESP-IDF's nvs_rw_value example. */
  private static long countBoot(Esp32 esp) {
    NvsHandle[] handle = new NvsHandle[1];
    esp.ESP_ERROR_CHECK(esp.nvs_open("storage", NvsOpenMode.READWRITE, handle));
    long[] count = new long[1];
    int err = handle[0].getU32("boot_count", count);
    if (err == ESP_ERR_NVS_NOT_FOUND) {
      count[0] = 0;
    } else {
      esp.ESP_ERROR_CHECK(err);
    }
    count[0]++;
    esp.ESP_ERROR_CHECK(handle[0].setU32("boot_count", count[0]));
    esp.ESP_ERROR_CHECK(handle[0].commit());
    handle[0].close();
    return count[0];
  }
}
