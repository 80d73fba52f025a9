package dev.switchboard.client;

import dev.switchboard.mqtt.packet.UserProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * MQTT 5 properties of one PUBLISH: ESP-MQTT's {@code esp_mqtt5_publish_property_config_t}. Null
 * (or 0 for the topic alias) means "not sent".
 */
public record Mqtt5PublishProperty(
    Boolean payloadFormatIndicator,
    Long messageExpiryInterval,
    int topicAlias,
    String responseTopic,
    byte[] correlationData,
    String contentType,
    List<UserProperty> userProperties) {

  public Mqtt5PublishProperty {
    userProperties = List.copyOf(userProperties == null ? List.of() : userProperties);
    if (topicAlias < 0 || topicAlias > 0xFFFF) {
      throw new IllegalArgumentException("topic alias must be 0..65535: " + topicAlias);
    }
    if (messageExpiryInterval != null
        && (messageExpiryInterval < 0 || messageExpiryInterval > 0xFFFF_FFFFL)) {
      throw new IllegalArgumentException(
          "message expiry interval must be 0..4294967295: " + messageExpiryInterval);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Boolean payloadFormatIndicator;
    private Long messageExpiryInterval;
    private int topicAlias;
    private String responseTopic;
    private byte[] correlationData;
    private String contentType;
    private final List<UserProperty> userProperties = new ArrayList<>();

    /** True: the payload is UTF-8 text. */
    public Builder payloadFormatIndicator(boolean utf8) {
      this.payloadFormatIndicator = utf8;
      return this;
    }

    public Builder messageExpiryInterval(long seconds) {
      this.messageExpiryInterval = seconds;
      return this;
    }

    public Builder topicAlias(int alias) {
      this.topicAlias = alias;
      return this;
    }

    public Builder responseTopic(String topic) {
      this.responseTopic = topic;
      return this;
    }

    public Builder correlationData(byte[] data) {
      this.correlationData = data == null ? null : data.clone();
      return this;
    }

    public Builder contentType(String type) {
      this.contentType = type;
      return this;
    }

    public Builder userProperty(String key, String value) {
      userProperties.add(new UserProperty(key, value));
      return this;
    }

    public Mqtt5PublishProperty build() {
      return new Mqtt5PublishProperty(
          payloadFormatIndicator,
          messageExpiryInterval,
          topicAlias,
          responseTopic,
          correlationData,
          contentType,
          userProperties);
    }
  }
}
