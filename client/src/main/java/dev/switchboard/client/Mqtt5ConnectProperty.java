package dev.switchboard.client;

import dev.switchboard.mqtt.packet.UserProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * MQTT 5 properties of the CONNECT and of its will: ESP-MQTT's {@code
 * esp_mqtt5_connection_property_config_t}. Null means "not sent" (the broker's default applies).
 */
public record Mqtt5ConnectProperty(
    Long sessionExpiryInterval,
    Long maximumPacketSize,
    Integer receiveMaximum,
    Integer topicAliasMaximum,
    Boolean requestResponseInfo,
    Boolean requestProblemInfo,
    List<UserProperty> userProperties,
    Long willDelayInterval,
    Long willMessageExpiryInterval,
    Boolean willPayloadFormatIndicator,
    String willContentType,
    String willResponseTopic,
    byte[] willCorrelationData,
    List<UserProperty> willUserProperties) {

  public static final Mqtt5ConnectProperty NONE = builder().build();

  public Mqtt5ConnectProperty {
    userProperties = List.copyOf(userProperties == null ? List.of() : userProperties);
    willUserProperties = List.copyOf(willUserProperties == null ? List.of() : willUserProperties);
    checkUnsigned32("session expiry interval", sessionExpiryInterval);
    checkUnsigned32("will delay interval", willDelayInterval);
    checkUnsigned32("will message expiry interval", willMessageExpiryInterval);
    if (maximumPacketSize != null && (maximumPacketSize < 1 || maximumPacketSize > 0xFFFF_FFFFL)) {
      throw new IllegalArgumentException("maximum packet size must be 1..4294967295");
    }
    if (receiveMaximum != null && (receiveMaximum < 1 || receiveMaximum > 0xFFFF)) {
      throw new IllegalArgumentException("receive maximum must be 1..65535");
    }
    if (topicAliasMaximum != null && (topicAliasMaximum < 0 || topicAliasMaximum > 0xFFFF)) {
      throw new IllegalArgumentException("topic alias maximum must be 0..65535");
    }
  }

  private static void checkUnsigned32(String what, Long value) {
    if (value != null && (value < 0 || value > 0xFFFF_FFFFL)) {
      throw new IllegalArgumentException(what + " must be 0..4294967295: " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Long sessionExpiryInterval;
    private Long maximumPacketSize;
    private Integer receiveMaximum;
    private Integer topicAliasMaximum;
    private Boolean requestResponseInfo;
    private Boolean requestProblemInfo;
    private final List<UserProperty> userProperties = new ArrayList<>();
    private Long willDelayInterval;
    private Long willMessageExpiryInterval;
    private Boolean willPayloadFormatIndicator;
    private String willContentType;
    private String willResponseTopic;
    private byte[] willCorrelationData;
    private final List<UserProperty> willUserProperties = new ArrayList<>();

    public Builder sessionExpiryInterval(long seconds) {
      this.sessionExpiryInterval = seconds;
      return this;
    }

    public Builder maximumPacketSize(long bytes) {
      this.maximumPacketSize = bytes;
      return this;
    }

    public Builder receiveMaximum(int max) {
      this.receiveMaximum = max;
      return this;
    }

    public Builder topicAliasMaximum(int max) {
      this.topicAliasMaximum = max;
      return this;
    }

    public Builder requestResponseInfo(boolean on) {
      this.requestResponseInfo = on;
      return this;
    }

    public Builder requestProblemInfo(boolean on) {
      this.requestProblemInfo = on;
      return this;
    }

    public Builder userProperty(String key, String value) {
      userProperties.add(new UserProperty(key, value));
      return this;
    }

    public Builder willDelayInterval(long seconds) {
      this.willDelayInterval = seconds;
      return this;
    }

    public Builder willMessageExpiryInterval(long seconds) {
      this.willMessageExpiryInterval = seconds;
      return this;
    }

    public Builder willPayloadFormatIndicator(boolean utf8) {
      this.willPayloadFormatIndicator = utf8;
      return this;
    }

    public Builder willContentType(String type) {
      this.willContentType = type;
      return this;
    }

    public Builder willResponseTopic(String topic) {
      this.willResponseTopic = topic;
      return this;
    }

    public Builder willCorrelationData(byte[] data) {
      this.willCorrelationData = data == null ? null : data.clone();
      return this;
    }

    public Builder willUserProperty(String key, String value) {
      willUserProperties.add(new UserProperty(key, value));
      return this;
    }

    public Mqtt5ConnectProperty build() {
      return new Mqtt5ConnectProperty(
          sessionExpiryInterval,
          maximumPacketSize,
          receiveMaximum,
          topicAliasMaximum,
          requestResponseInfo,
          requestProblemInfo,
          userProperties,
          willDelayInterval,
          willMessageExpiryInterval,
          willPayloadFormatIndicator,
          willContentType,
          willResponseTopic,
          willCorrelationData,
          willUserProperties);
    }
  }
}
