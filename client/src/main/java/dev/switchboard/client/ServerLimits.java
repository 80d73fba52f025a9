package dev.switchboard.client;

import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.topic.Topics;
import java.util.List;

/**
 * What an MQTT 5 broker announced in its CONNACK, that the client must respect: the highest QoS,
 * retain, wildcard, shared and identified subscriptions, the packet size and topic aliases it
 * accepts, how many QoS 1 and 2 messages may be unacknowledged at once (receive maximum), and the
 * keep alive it imposes. MQTT 3.1.1 brokers announce nothing: {@link #DEFAULT}.
 */
record ServerLimits(
    int maximumQos,
    boolean retainAvailable,
    boolean wildcardAvailable,
    boolean sharedAvailable,
    boolean subscriptionIdsAvailable,
    long maximumPacketSize,
    int topicAliasMaximum,
    int receiveMaximum,
    Integer serverKeepAlive) {

  static final ServerLimits DEFAULT =
      new ServerLimits(2, true, true, true, true, MqttCodec.MAX_PACKET_SIZE, 0, 65535, null);

  static ServerLimits of(MqttProperties p) {
    return new ServerLimits(
        p.maximumQos() == null ? 2 : p.maximumQos(),
        p.retainAvailable() == null || p.retainAvailable() == 1,
        p.wildcardSubscriptionAvailable() == null || p.wildcardSubscriptionAvailable() == 1,
        p.sharedSubscriptionAvailable() == null || p.sharedSubscriptionAvailable() == 1,
        p.subscriptionIdentifierAvailable() == null || p.subscriptionIdentifierAvailable() == 1,
        p.maximumPacketSize() == null ? MqttCodec.MAX_PACKET_SIZE : p.maximumPacketSize(),
        p.topicAliasMaximum() == null ? 0 : p.topicAliasMaximum(),
        p.receiveMaximum() == null ? 65535 : p.receiveMaximum(),
        p.serverKeepAlive());
  }

  /** [MQTT-3.2.2-11], [MQTT-3.2.2-14], [MQTT-3.3.2-9]. */
  boolean allowsPublish(int qos, boolean retain, MqttProperties props) {
    if (qos > maximumQos || (retain && !retainAvailable)) {
      return false;
    }
    Integer alias = props.topicAlias();
    return alias == null || (alias >= 1 && alias <= topicAliasMaximum);
  }

  /** [MQTT-3.1.2-24]: nothing larger than the broker's maximum packet size. */
  boolean fits(int encodedSize) {
    return encodedSize <= maximumPacketSize;
  }

  boolean allowsSubscribe(List<Subscription> subs, MqttProperties props) {
    if (!subscriptionIdsAvailable && !props.subscriptionIdentifiers().isEmpty()) {
      return false;
    }
    for (Subscription s : subs) {
      boolean shared = s.filter().startsWith(Topics.SHARE_PREFIX);
      if (shared && !sharedAvailable) {
        return false;
      }
      if (!wildcardAvailable && Topics.hasWildcard(s.filter())) {
        return false;
      }
      if (shared && s.noLocal()) {
        return false; // [MQTT-3.8.3-4]
      }
    }
    return true;
  }
}
