package dev.switchboard.mqtt.packet;

/** An MQTT 5 User Property: a UTF-8 string pair; the same name may appear more than once. */
public record UserProperty(String name, String value) {}
