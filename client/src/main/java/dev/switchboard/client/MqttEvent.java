package dev.switchboard.client;

import java.nio.charset.StandardCharsets;

/**
 * One event of a client: ESP-MQTT's {@code esp_mqtt_event_t}. Which fields are filled depends on
 * the event, as in ESP-MQTT:
 *
 * <ul>
 *   <li>CONNECTED: {@link #sessionPresent}, and for MQTT 5 the CONNACK's properties.
 *   <li>DISCONNECTED: for MQTT 5, the broker's DISCONNECT reason code in {@link #errorHandle} when
 *       it sent one.
 *   <li>SUBSCRIBED: {@link #msgId}; {@link #data} holds the SUBACK's return codes, one byte each;
 *       when one is a failure, {@link #errorHandle} has error type SUBSCRIBE_FAILED.
 *   <li>UNSUBSCRIBED, PUBLISHED, DELETED: {@link #msgId}. For PUBLISHED with MQTT 5, {@link
 *       #reasonCode} is the PUBACK's or PUBCOMP's reason code.
 *   <li>DATA: {@link #msgId} (0 for QoS 0), {@link #topic} (only in the first event of a message
 *       that arrives in parts), {@link #data} with {@link #currentDataOffset} and {@link
 *       #totalDataLen}, {@link #qos}, {@link #retain}, {@link #dup}.
 *   <li>ERROR: {@link #errorHandle}.
 * </ul>
 *
 * <p>The arrays are the event's own; a handler may keep them.
 *
 * @param reasonCode for MQTT 5: the reason code of the acknowledgement or DISCONNECT behind the
 *     event, else 0 (not in ESP-MQTT's struct, where it is only logged)
 */
public record MqttEvent(
    MqttEventId eventId,
    MqttClient client,
    byte[] data,
    int totalDataLen,
    int currentDataOffset,
    String topic,
    int msgId,
    boolean sessionPresent,
    MqttErrorCodes errorHandle,
    boolean retain,
    int qos,
    boolean dup,
    MqttProtocolVersion protocolVer,
    Mqtt5EventProperty property,
    int reasonCode) {

  private static final byte[] NONE = new byte[0];

  public MqttEvent {
    data = data == null ? NONE : data;
    property = property == null ? Mqtt5EventProperty.EMPTY : property;
  }

  /** The length of this event's data: ESP-MQTT's {@code data_len}. */
  public int dataLen() {
    return data.length;
  }

  /** The length of the topic, 0 when there is none: ESP-MQTT's {@code topic_len}. */
  public int topicLen() {
    return topic == null ? 0 : topic.getBytes(StandardCharsets.UTF_8).length;
  }

  /** This event's data as UTF-8 text. */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Whether this is the whole of a message (not one part of several). */
  public boolean isComplete() {
    return currentDataOffset == 0 && data.length == totalDataLen;
  }

  /** An event for {@link MqttClient#dispatchCustomEvent}: USER, with this data and message id. */
  public static MqttEvent user(byte[] data, int msgId) {
    return new MqttEvent(
        MqttEventId.USER,
        null,
        data,
        data == null ? 0 : data.length,
        0,
        null,
        msgId,
        false,
        null,
        false,
        0,
        false,
        null,
        null,
        0);
  }

  MqttEvent withClient(MqttClient c, MqttProtocolVersion version) {
    return new MqttEvent(
        eventId,
        c,
        data,
        totalDataLen,
        currentDataOffset,
        topic,
        msgId,
        sessionPresent,
        errorHandle,
        retain,
        qos,
        dup,
        version,
        property,
        reasonCode);
  }
}
