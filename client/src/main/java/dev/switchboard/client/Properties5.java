package dev.switchboard.client;

import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.UserProperty;
import java.util.List;

/** Between the client's MQTT 5 property records and the codec's {@link MqttProperties}. */
final class Properties5 {
  private Properties5() {}

  static MqttProperties publish(Mqtt5PublishProperty p) {
    if (p == null) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    if (p.payloadFormatIndicator() != null) {
      b.payloadFormatIndicator(p.payloadFormatIndicator() ? 1 : 0);
    }
    b.messageExpiryInterval(p.messageExpiryInterval());
    if (p.topicAlias() > 0) {
      b.topicAlias(p.topicAlias());
    }
    b.responseTopic(p.responseTopic());
    b.correlationData(p.correlationData());
    b.contentType(p.contentType());
    b.userProperties(p.userProperties());
    return b.build();
  }

  static MqttProperties subscribe(Mqtt5SubscribeProperty p) {
    if (p == null) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    if (p.subscribeId() > 0) {
      b.addSubscriptionIdentifier(p.subscribeId());
    }
    b.userProperties(p.userProperties());
    return b.build();
  }

  static MqttProperties userOnly(List<UserProperty> users) {
    return users.isEmpty()
        ? MqttProperties.EMPTY
        : MqttProperties.builder().userProperties(users).build();
  }

  static MqttProperties disconnect(Mqtt5DisconnectProperty p) {
    if (p == null) {
      return MqttProperties.EMPTY;
    }
    return MqttProperties.builder()
        .sessionExpiryInterval(p.sessionExpiryInterval())
        .userProperties(p.userProperties())
        .build();
  }

  static MqttProperties connect(Mqtt5ConnectProperty p) {
    MqttProperties.Builder b =
        MqttProperties.builder()
            .sessionExpiryInterval(p.sessionExpiryInterval())
            .maximumPacketSize(p.maximumPacketSize())
            .receiveMaximum(p.receiveMaximum())
            .topicAliasMaximum(p.topicAliasMaximum())
            .userProperties(p.userProperties());
    if (p.requestResponseInfo() != null) {
      b.requestResponseInformation(p.requestResponseInfo() ? 1 : 0);
    }
    if (p.requestProblemInfo() != null) {
      b.requestProblemInformation(p.requestProblemInfo() ? 1 : 0);
    }
    return b.build();
  }

  static MqttProperties will(Mqtt5ConnectProperty p) {
    MqttProperties.Builder b =
        MqttProperties.builder()
            .willDelayInterval(p.willDelayInterval())
            .messageExpiryInterval(p.willMessageExpiryInterval())
            .contentType(p.willContentType())
            .responseTopic(p.willResponseTopic())
            .correlationData(p.willCorrelationData())
            .userProperties(p.willUserProperties());
    if (p.willPayloadFormatIndicator() != null) {
      b.payloadFormatIndicator(p.willPayloadFormatIndicator() ? 1 : 0);
    }
    return b.build();
  }

  static Mqtt5EventProperty event(MqttProperties p) {
    if (p == null || p.isEmpty()) {
      return Mqtt5EventProperty.EMPTY;
    }
    return new Mqtt5EventProperty(
        p.payloadFormatIndicator() != null && p.payloadFormatIndicator() == 1,
        p.responseTopic(),
        p.correlationData(),
        p.contentType(),
        p.subscriptionIdentifiers(),
        p.messageExpiryInterval(),
        p.reasonString(),
        p.userProperties());
  }
}
