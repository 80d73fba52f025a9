package dev.switchboard.client;

/**
 * Why a broker refused a connection: ESP-MQTT's {@code esp_mqtt_connect_return_code_t}, the MQTT
 * 3.1.1 CONNACK return codes. An MQTT 5 reason code is mapped to the nearest of them; the exact
 * code is in {@link MqttErrorCodes#connectReasonCode()}.
 */
public enum MqttConnectReturnCode {
  ACCEPTED,
  REFUSE_PROTOCOL,
  REFUSE_ID_REJECTED,
  REFUSE_SERVER_UNAVAILABLE,
  REFUSE_BAD_USERNAME,
  REFUSE_NOT_AUTHORIZED;

  /** The code of a 3.1.1 CONNACK (0..5), or of a 5.0 one (0 or 0x80..0xFF). */
  static MqttConnectReturnCode of(int code, boolean v5) {
    if (!v5) {
      return code >= 0 && code < values().length ? values()[code] : REFUSE_SERVER_UNAVAILABLE;
    }
    return switch (code) {
      case 0x00 -> ACCEPTED;
      case 0x84 -> REFUSE_PROTOCOL;
      case 0x85 -> REFUSE_ID_REJECTED;
      case 0x86 -> REFUSE_BAD_USERNAME;
      case 0x87, 0x8A, 0x8C -> REFUSE_NOT_AUTHORIZED;
      default -> REFUSE_SERVER_UNAVAILABLE;
    };
  }
}
