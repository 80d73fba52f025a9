package dev.switchboard.device.firmware;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_NVS_NOT_FOUND;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.Esp32;
import dev.switchboard.device.Firmware;
import dev.switchboard.device.nvs.NvsHandle;
import dev.switchboard.device.nvs.NvsOpenMode;

/**
 * An LED: it takes {@code on}, {@code off} or {@code toggle} on {@code <device>/led/set} and
 * reports its state, retained, on {@code <device>/led}. The state is kept in NVS ({@code
 * storage/led}), so a restart comes back as it was. It says {@code online} on {@code
 * <device>/status} (retained) when connected, its last will saying {@code offline} there.
 */
public final class Actuator implements Firmware {
  private static final String TAG = "actuator";

  @Override
  public void app_main(Esp32 esp) {
    esp.ESP_ERROR_CHECK(esp.nvs_flash_init());
    NvsHandle[] nvs = new NvsHandle[1];
    esp.ESP_ERROR_CHECK(esp.nvs_open("storage", NvsOpenMode.READWRITE, nvs));
    int[] led = new int[1];
    int err = nvs[0].getU8("led", led);
    if (err != ESP_ERR_NVS_NOT_FOUND) {
      esp.ESP_ERROR_CHECK(err);
    }
    esp.ESP_LOGI(TAG, "LED is %s", led[0] == 1 ? "on" : "off");

    esp.ESP_ERROR_CHECK(esp.esp_netif_init());
    esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());
    esp.ESP_ERROR_CHECK(esp.example_connect());

    String status = esp.deviceName() + "/status";
    String state = esp.deviceName() + "/led";
    String command = esp.deviceName() + "/led/set";
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
          e.client().publish(status, "online", 1, true);
          e.client().subscribe(command, 1);
          e.client().publish(state, led[0] == 1 ? "on" : "off", 1, true);
        });
    client.registerEvent(
        MqttEventId.DATA,
        e -> {
          if (!command.equals(e.topic())) {
            return;
          }
          String cmd = e.dataAsString().strip().toLowerCase();
          int next =
              switch (cmd) {
                case "on", "1", "true" -> 1;
                case "off", "0", "false" -> 0;
                case "toggle" -> 1 - led[0];
                default -> -1;
              };
          if (next < 0) {
            esp.ESP_LOGW(TAG, "unknown command '%s' (on, off, toggle)", cmd);
            return;
          }
          led[0] = next;
          esp.ESP_ERROR_CHECK(nvs[0].setU8("led", next));
          esp.ESP_ERROR_CHECK(nvs[0].commit());
          esp.ESP_LOGI(TAG, "LED %s", next == 1 ? "on" : "off");
          e.client().publish(state, next == 1 ? "on" : "off", 1, true);
        });
    client.start();
  }
}
