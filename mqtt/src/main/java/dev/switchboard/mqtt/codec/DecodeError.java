package dev.switchboard.mqtt.codec;

import dev.switchboard.mqtt.MqttVersion;

/**
 * What {@link MqttDecoder} passes down the pipeline instead of a packet when the input breaks the
 * protocol. After it the decoder discards everything the peer sends; the handler answers (CONNACK
 * or DISCONNECT with {@code reasonCode} where the version allows) and closes the connection.
 *
 * @param reasonCode the MQTT 5 reason code that names the failure (0x81 malformed, 0x82 protocol
 *     error, 0x84 unsupported protocol version, 0x95 packet too large, ...)
 * @param message one line for the log, naming the normative statement where there is one
 * @param version the connection's protocol version if known (from the CONNECT), else null
 * @param inConnect true when the failure was in the CONNECT packet itself (so the answer is a
 *     CONNACK)
 */
public record DecodeError(int reasonCode, String message, MqttVersion version, boolean inConnect) {}
