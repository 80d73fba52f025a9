package dev.switchboard.client;

/** One filter of a SUBSCRIBE with its maximum QoS: ESP-MQTT's {@code esp_mqtt_topic_t}. */
public record MqttTopic(String filter, int qos) {}
