package dev.switchboard.client;

import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The events of one client, filled as ESP-MQTT fills them: each carries the client and the protocol
 * version it is configured with.
 */
final class ClientEvents {
  private final MqttClient client;
  private final ClientStatus status;

  ClientEvents(MqttClient client, ClientStatus status) {
    this.client = client;
    this.status = status;
  }

  private MqttProtocolVersion protocolVer() {
    return status.applied().protocolVer();
  }

  /** An event with nothing but its id: BEFORE_CONNECT, DISCONNECTED. */
  MqttEvent of(MqttEventId id) {
    return notice(id, 0, null, null, null, 0);
  }

  MqttEvent error(MqttErrorCodes error) {
    return notice(MqttEventId.ERROR, 0, null, error, null, 0);
  }

  MqttEvent published(int msgId, int reason, MqttProperties props) {
    return notice(MqttEventId.PUBLISHED, msgId, null, null, props, reason);
  }

  /**
   * An event other than DATA, CONNECTED and DELETED: ESP-MQTT fills only the message id, the data
   * (SUBACK codes), the error handle, MQTT 5 properties and the reason code for these.
   */
  MqttEvent notice(
      MqttEventId id,
      int msgId,
      byte[] data,
      MqttErrorCodes error,
      MqttProperties props,
      int reasonCode) {
    return new MqttEvent(
        id,
        client,
        data,
        data == null ? 0 : data.length,
        0,
        null,
        msgId,
        false,
        error,
        false,
        0,
        false,
        protocolVer(),
        Properties5.event(props),
        reasonCode);
  }

  /** CONNECTED, for an accepted CONNACK. */
  MqttEvent connected(ConnAck ack) {
    return new MqttEvent(
        MqttEventId.CONNECTED,
        client,
        null,
        0,
        0,
        null,
        0,
        ack.sessionPresent(),
        null,
        false,
        0,
        false,
        protocolVer(),
        Properties5.event(ack.properties()),
        0);
  }

  /** DELETED, for an outbox entry that expired. */
  MqttEvent deleted(Outbox.Entry e) {
    return new MqttEvent(
        MqttEventId.DELETED,
        client,
        null,
        0,
        0,
        null,
        e.msgId,
        false,
        null,
        false,
        e.qos,
        false,
        protocolVer(),
        null,
        0);
  }

  /** A custom event, as this client's. */
  MqttEvent user(MqttEvent event) {
    return event.withClient(client, protocolVer());
  }

  /** One DATA event, or several of at most the buffer size each, the topic only in the first. */
  List<MqttEvent> data(Publish p, String topic) {
    MqttClientConfig config = status.config();
    byte[] payload = p.payload();
    int chunk = config.extensions().reassembleData() ? Integer.MAX_VALUE : config.buffer().size();
    Mqtt5EventProperty props = Properties5.event(p.properties());
    int msgId = p.qos() == 0 ? 0 : p.packetId();
    List<MqttEvent> events = new ArrayList<>(payload.length / chunk + 1);
    int offset = 0;
    do { // an empty message is one DATA event too
      int len = Math.min(chunk, payload.length - offset);
      byte[] part =
          len == payload.length ? payload : Arrays.copyOfRange(payload, offset, offset + len);
      events.add(
          new MqttEvent(
              MqttEventId.DATA,
              client,
              part,
              payload.length,
              offset,
              offset == 0 ? topic : null,
              msgId,
              false,
              null,
              p.retain(),
              p.qos(),
              p.dup(),
              config.session().protocolVer(),
              props,
              0));
      offset += len;
    } while (offset < payload.length);
    return events;
  }
}
