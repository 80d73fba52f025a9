package dev.switchboard.client;

/**
 * What went wrong, for an ERROR event: ESP-MQTT's {@code esp_mqtt_error_codes_t}. Check {@link
 * #errorType()} first; it says which of the other fields are filled.
 *
 * @param errorType the source of the error
 * @param connectReturnCode for CONNECTION_REFUSED: ESP-MQTT's code
 * @param connectReasonCode for CONNECTION_REFUSED: the CONNACK's own code (3.1.1 return code or
 *     MQTT 5 reason code)
 * @param disconnectReturnCode the reason code of a DISCONNECT the broker sent (MQTT 5), else 0
 * @param sockErrno for TCP_TRANSPORT: the Linux errno of a socket error (e.g. 111 ECONNREFUSED, 110
 *     ETIMEDOUT, 104 ECONNRESET), 0 when there was none
 * @param tlsFailure for TCP_TRANSPORT: why the TLS handshake failed, or null
 * @param message one line saying what happened
 * @param cause the exception behind it, or null
 */
public record MqttErrorCodes(
    MqttErrorType errorType,
    MqttConnectReturnCode connectReturnCode,
    int connectReasonCode,
    int disconnectReturnCode,
    int sockErrno,
    String tlsFailure,
    String message,
    Throwable cause) {

  static MqttErrorCodes transport(int errno, String tlsFailure, String message, Throwable cause) {
    return new MqttErrorCodes(
        MqttErrorType.TCP_TRANSPORT,
        MqttConnectReturnCode.ACCEPTED,
        0,
        0,
        errno,
        tlsFailure,
        message,
        cause);
  }

  static MqttErrorCodes refused(int code, boolean v5) {
    return new MqttErrorCodes(
        MqttErrorType.CONNECTION_REFUSED,
        MqttConnectReturnCode.of(code, v5),
        code,
        0,
        0,
        null,
        "connection refused by the broker: "
            + (v5 ? String.format("reason code 0x%02X", code) : "return code " + code),
        null);
  }

  static MqttErrorCodes subscribeFailed(String message) {
    return new MqttErrorCodes(
        MqttErrorType.SUBSCRIBE_FAILED,
        MqttConnectReturnCode.ACCEPTED,
        0,
        0,
        0,
        null,
        message,
        null);
  }

  static MqttErrorCodes disconnectedByBroker(int reason, String message) {
    return new MqttErrorCodes(
        MqttErrorType.NONE, MqttConnectReturnCode.ACCEPTED, 0, reason, 0, null, message, null);
  }
}
