package dev.switchboard.device.firmware;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttEvent;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.Esp32;
import dev.switchboard.device.Firmware;

/**
 * The lab handout's example, ESP-IDF's {@code mqtt/tcp} ({@code mqtt_tcp}) as the handout reads:
 * {@code nvs_flash_init(); esp_netif_init(); esp_event_loop_create_default(); example_connect();}
 * then a client on {@code CONFIG_BROKER_URL} (user name and password in it) with the device's
 * client id, one handler for every event; on MQTT_EVENT_CONNECTED it publishes {@code data_3} to
 * {@code /topic/qos1} (QoS 1), subscribes to {@code /topic/qos0} and {@code /topic/qos1} and
 * unsubscribes from {@code /topic/qos1}.
 */
public final class MqttTcp implements Firmware {
  private static final String TAG = "mqtt_example";

  @Override
  public void app_main(Esp32 esp) {
    esp.ESP_LOGI(TAG, "[APP] Startup..");
    esp.ESP_LOGI(TAG, "[APP] IDF version: %s", "v5.5 (switchboard)");

    esp.ESP_ERROR_CHECK(esp.nvs_flash_init());
    esp.ESP_ERROR_CHECK(esp.esp_netif_init());
    esp.ESP_ERROR_CHECK(esp.esp_event_loop_create_default());

    /* This helper function configures Wi-Fi or Ethernet, as selected in menuconfig.
     * Read "Establishing Wi-Fi or Ethernet Connection" section in
     * examples/protocols/README.md for more information about this function.
     */
    esp.ESP_ERROR_CHECK(esp.example_connect());

    mqtt_app_start(esp);
  }

  private static void mqtt_app_start(Esp32 esp) {
    String clientId = esp.config("CONFIG_MQTT_CLIENT_ID");
    MqttClientConfig mqtt_cfg =
        MqttClientConfig.builder()
            .broker(b -> b.uri(esp.config("CONFIG_BROKER_URL", "mqtt://127.0.0.1:1883")))
            .credentials(
                c -> {
                  if (clientId != null) {
                    c.clientId(clientId);
                  }
                })
            .build();

    MqttClient client = esp.esp_mqtt_client_init(mqtt_cfg);
    /* The last argument may be used to pass data to the event handler, in this example
     * mqtt_event_handler */
    client.registerEvent(MqttEventId.ANY, event -> mqtt_event_handler(esp, event));
    client.start();
  }

  private static void mqtt_event_handler(Esp32 esp, MqttEvent event) {
    MqttClient client = event.client();
    int msg_id;
    switch (event.eventId()) {
      case CONNECTED -> {
        esp.ESP_LOGI(TAG, "MQTT_EVENT_CONNECTED");
        msg_id = client.publish("/topic/qos1", "data_3", 1, false);
        esp.ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);

        msg_id = client.subscribe("/topic/qos0", 0);
        esp.ESP_LOGI(TAG, "sent subscribe successful, msg_id=%d", msg_id);

        msg_id = client.subscribe("/topic/qos1", 1);
        esp.ESP_LOGI(TAG, "sent subscribe successful, msg_id=%d", msg_id);

        msg_id = client.unsubscribe("/topic/qos1");
        esp.ESP_LOGI(TAG, "sent unsubscribe successful, msg_id=%d", msg_id);
      }
      case DISCONNECTED -> esp.ESP_LOGI(TAG, "MQTT_EVENT_DISCONNECTED");
      case SUBSCRIBED -> esp.ESP_LOGI(TAG, "MQTT_EVENT_SUBSCRIBED, msg_id=%d", event.msgId());
      case UNSUBSCRIBED -> esp.ESP_LOGI(TAG, "MQTT_EVENT_UNSUBSCRIBED, msg_id=%d", event.msgId());
      case PUBLISHED -> esp.ESP_LOGI(TAG, "MQTT_EVENT_PUBLISHED, msg_id=%d", event.msgId());
      case DATA -> {
        esp.ESP_LOGI(TAG, "MQTT_EVENT_DATA");
        esp.ESP_LOGI(TAG, "TOPIC=%s", event.topic());
        esp.ESP_LOGI(TAG, "DATA=%s", event.dataAsString());
      }
      case ERROR -> {
        esp.ESP_LOGI(TAG, "MQTT_EVENT_ERROR");
        if (event.errorHandle() != null) {
          esp.ESP_LOGI(TAG, "Last error: %s", event.errorHandle().message());
        }
      }
      default -> esp.ESP_LOGI(TAG, "Other event id:%d", event.eventId().ordinal() - 1);
    }
  }
}
