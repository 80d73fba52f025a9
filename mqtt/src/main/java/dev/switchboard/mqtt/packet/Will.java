package dev.switchboard.mqtt.packet;

/** The Will Message a CONNECT carries. The payload array is never modified once built. */
public record Will(
    String topic, byte[] payload, int qos, boolean retain, MqttProperties properties) {}
