package dev.switchboard.http.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.broker.message.Message;
import dev.switchboard.http.api.Problem;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.UserProperty;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A message as the API writes and reads it: the payload as text when it is UTF-8, else in base64;
 * the MQTT 5 properties a publisher may set, by name.
 */
final class MessageJson {
  private MessageJson() {}

  /** A user property. */
  record Pair(String name, String value) {}

  /** The MQTT 5 properties of a PUBLISH that a publisher sets. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Properties(
      String contentType,
      String responseTopic,
      String correlationData,
      Long messageExpiryInterval,
      Boolean payloadUtf8,
      List<Pair> userProperties) {}

  /** A message read back (a retained one, or one of a stream). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MessageView(
      String topic,
      int qos,
      boolean retain,
      String payload,
      String payloadBase64,
      int payloadSize,
      Properties properties) {}

  static MessageView view(Message m) {
    String text = utf8(m.payload());
    return new MessageView(
        m.topic(),
        m.qos(),
        m.retain(),
        text,
        text == null ? Base64.getEncoder().encodeToString(m.payload()) : null,
        m.payload().length,
        properties(m.properties()));
  }

  /** The payload as text, or null when it is not valid UTF-8. */
  static String utf8(byte[] payload) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static Properties properties(MqttProperties p) {
    if (p == null || p.isEmpty()) {
      return null;
    }
    List<Pair> users = new ArrayList<>();
    for (UserProperty u : p.userProperties()) {
      users.add(new Pair(u.name(), u.value()));
    }
    return new Properties(
        p.contentType(),
        p.responseTopic(),
        p.correlationData() == null
            ? null
            : Base64.getEncoder().encodeToString(p.correlationData()),
        p.messageExpiryInterval(),
        p.payloadFormatIndicator() == null ? null : p.payloadFormatIndicator() == 1,
        users.isEmpty() ? null : users);
  }

  /** The properties a request gave, checked; a problem naming the field. */
  static MqttProperties properties(Properties given) {
    if (given == null) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    b.contentType(given.contentType());
    if (given.responseTopic() != null) {
      if (!dev.switchboard.mqtt.topic.Topics.isValidName(given.responseTopic())) {
        throw Problem.invalid(
            "properties.responseTopic", "a response topic is a topic name, without wildcards");
      }
      b.responseTopic(given.responseTopic());
    }
    if (given.correlationData() != null) {
      try {
        b.correlationData(Base64.getDecoder().decode(given.correlationData()));
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("properties.correlationData", "correlation data is base64");
      }
    }
    if (given.messageExpiryInterval() != null) {
      long v = given.messageExpiryInterval();
      if (v < 0 || v > 0xFFFF_FFFFL) {
        throw Problem.invalid(
            "properties.messageExpiryInterval", "an expiry interval is 0 to 4294967295 seconds");
      }
      b.messageExpiryInterval(v);
    }
    if (given.payloadUtf8() != null) {
      b.payloadFormatIndicator(given.payloadUtf8() ? 1 : 0);
    }
    if (given.userProperties() != null) {
      for (int i = 0; i < given.userProperties().size(); i++) {
        Pair p = given.userProperties().get(i);
        if (p == null || p.name() == null || p.value() == null) {
          throw Problem.invalid(
              "properties.userProperties[" + i + "]", "a user property has a name and a value");
        }
        b.addUserProperty(p.name(), p.value());
      }
    }
    return b.build();
  }
}
