package dev.switchboard.mqtt.packet;

import java.util.List;
import java.util.Objects;

/**
 * The MQTT 5.0 properties of one packet (section 2.2.2). Immutable; a field that is absent is null
 * (lists are empty). MQTT 3.1.1 packets always carry {@link #EMPTY}. Which properties a packet type
 * may carry is checked by the codec; this class only holds them.
 */
public final class MqttProperties {
  public static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
  public static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
  public static final int CONTENT_TYPE = 0x03;
  public static final int RESPONSE_TOPIC = 0x08;
  public static final int CORRELATION_DATA = 0x09;
  public static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
  public static final int SESSION_EXPIRY_INTERVAL = 0x11;
  public static final int ASSIGNED_CLIENT_IDENTIFIER = 0x12;
  public static final int SERVER_KEEP_ALIVE = 0x13;
  public static final int AUTHENTICATION_METHOD = 0x15;
  public static final int AUTHENTICATION_DATA = 0x16;
  public static final int REQUEST_PROBLEM_INFORMATION = 0x17;
  public static final int WILL_DELAY_INTERVAL = 0x18;
  public static final int REQUEST_RESPONSE_INFORMATION = 0x19;
  public static final int RESPONSE_INFORMATION = 0x1A;
  public static final int SERVER_REFERENCE = 0x1C;
  public static final int REASON_STRING = 0x1F;
  public static final int RECEIVE_MAXIMUM = 0x21;
  public static final int TOPIC_ALIAS_MAXIMUM = 0x22;
  public static final int TOPIC_ALIAS = 0x23;
  public static final int MAXIMUM_QOS = 0x24;
  public static final int RETAIN_AVAILABLE = 0x25;
  public static final int USER_PROPERTY = 0x26;
  public static final int MAXIMUM_PACKET_SIZE = 0x27;
  public static final int WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28;
  public static final int SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29;
  public static final int SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

  public static final MqttProperties EMPTY = new Builder().build();

  private final Integer payloadFormatIndicator;
  private final Long messageExpiryInterval;
  private final String contentType;
  private final String responseTopic;
  private final byte[] correlationData;
  private final List<Integer> subscriptionIdentifiers;
  private final Long sessionExpiryInterval;
  private final String assignedClientIdentifier;
  private final Integer serverKeepAlive;
  private final String authenticationMethod;
  private final byte[] authenticationData;
  private final Integer requestProblemInformation;
  private final Long willDelayInterval;
  private final Integer requestResponseInformation;
  private final String responseInformation;
  private final String serverReference;
  private final String reasonString;
  private final Integer receiveMaximum;
  private final Integer topicAliasMaximum;
  private final Integer topicAlias;
  private final Integer maximumQos;
  private final Integer retainAvailable;
  private final List<UserProperty> userProperties;
  private final Long maximumPacketSize;
  private final Integer wildcardSubscriptionAvailable;
  private final Integer subscriptionIdentifierAvailable;
  private final Integer sharedSubscriptionAvailable;

  private MqttProperties(Builder b) {
    payloadFormatIndicator = b.payloadFormatIndicator;
    messageExpiryInterval = b.messageExpiryInterval;
    contentType = b.contentType;
    responseTopic = b.responseTopic;
    correlationData = b.correlationData;
    subscriptionIdentifiers = List.copyOf(b.subscriptionIdentifiers);
    sessionExpiryInterval = b.sessionExpiryInterval;
    assignedClientIdentifier = b.assignedClientIdentifier;
    serverKeepAlive = b.serverKeepAlive;
    authenticationMethod = b.authenticationMethod;
    authenticationData = b.authenticationData;
    requestProblemInformation = b.requestProblemInformation;
    willDelayInterval = b.willDelayInterval;
    requestResponseInformation = b.requestResponseInformation;
    responseInformation = b.responseInformation;
    serverReference = b.serverReference;
    reasonString = b.reasonString;
    receiveMaximum = b.receiveMaximum;
    topicAliasMaximum = b.topicAliasMaximum;
    topicAlias = b.topicAlias;
    maximumQos = b.maximumQos;
    retainAvailable = b.retainAvailable;
    userProperties = List.copyOf(b.userProperties);
    maximumPacketSize = b.maximumPacketSize;
    wildcardSubscriptionAvailable = b.wildcardSubscriptionAvailable;
    subscriptionIdentifierAvailable = b.subscriptionIdentifierAvailable;
    sharedSubscriptionAvailable = b.sharedSubscriptionAvailable;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.payloadFormatIndicator = payloadFormatIndicator;
    b.messageExpiryInterval = messageExpiryInterval;
    b.contentType = contentType;
    b.responseTopic = responseTopic;
    b.correlationData = correlationData;
    b.subscriptionIdentifiers = new java.util.ArrayList<>(subscriptionIdentifiers);
    b.sessionExpiryInterval = sessionExpiryInterval;
    b.assignedClientIdentifier = assignedClientIdentifier;
    b.serverKeepAlive = serverKeepAlive;
    b.authenticationMethod = authenticationMethod;
    b.authenticationData = authenticationData;
    b.requestProblemInformation = requestProblemInformation;
    b.willDelayInterval = willDelayInterval;
    b.requestResponseInformation = requestResponseInformation;
    b.responseInformation = responseInformation;
    b.serverReference = serverReference;
    b.reasonString = reasonString;
    b.receiveMaximum = receiveMaximum;
    b.topicAliasMaximum = topicAliasMaximum;
    b.topicAlias = topicAlias;
    b.maximumQos = maximumQos;
    b.retainAvailable = retainAvailable;
    b.userProperties = new java.util.ArrayList<>(userProperties);
    b.maximumPacketSize = maximumPacketSize;
    b.wildcardSubscriptionAvailable = wildcardSubscriptionAvailable;
    b.subscriptionIdentifierAvailable = subscriptionIdentifierAvailable;
    b.sharedSubscriptionAvailable = sharedSubscriptionAvailable;
    return b;
  }

  public boolean isEmpty() {
    return this == EMPTY || equals(EMPTY);
  }

  public Integer payloadFormatIndicator() {
    return payloadFormatIndicator;
  }

  public Long messageExpiryInterval() {
    return messageExpiryInterval;
  }

  public String contentType() {
    return contentType;
  }

  public String responseTopic() {
    return responseTopic;
  }

  public byte[] correlationData() {
    return correlationData;
  }

  public List<Integer> subscriptionIdentifiers() {
    return subscriptionIdentifiers;
  }

  public Long sessionExpiryInterval() {
    return sessionExpiryInterval;
  }

  public String assignedClientIdentifier() {
    return assignedClientIdentifier;
  }

  public Integer serverKeepAlive() {
    return serverKeepAlive;
  }

  public String authenticationMethod() {
    return authenticationMethod;
  }

  public byte[] authenticationData() {
    return authenticationData;
  }

  public Integer requestProblemInformation() {
    return requestProblemInformation;
  }

  public Long willDelayInterval() {
    return willDelayInterval;
  }

  public Integer requestResponseInformation() {
    return requestResponseInformation;
  }

  public String responseInformation() {
    return responseInformation;
  }

  public String serverReference() {
    return serverReference;
  }

  public String reasonString() {
    return reasonString;
  }

  public Integer receiveMaximum() {
    return receiveMaximum;
  }

  public Integer topicAliasMaximum() {
    return topicAliasMaximum;
  }

  public Integer topicAlias() {
    return topicAlias;
  }

  public Integer maximumQos() {
    return maximumQos;
  }

  public Integer retainAvailable() {
    return retainAvailable;
  }

  public List<UserProperty> userProperties() {
    return userProperties;
  }

  public Long maximumPacketSize() {
    return maximumPacketSize;
  }

  public Integer wildcardSubscriptionAvailable() {
    return wildcardSubscriptionAvailable;
  }

  public Integer subscriptionIdentifierAvailable() {
    return subscriptionIdentifierAvailable;
  }

  public Integer sharedSubscriptionAvailable() {
    return sharedSubscriptionAvailable;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MqttProperties p)) {
      return false;
    }
    return Objects.equals(payloadFormatIndicator, p.payloadFormatIndicator)
        && Objects.equals(messageExpiryInterval, p.messageExpiryInterval)
        && Objects.equals(contentType, p.contentType)
        && Objects.equals(responseTopic, p.responseTopic)
        && java.util.Arrays.equals(correlationData, p.correlationData)
        && subscriptionIdentifiers.equals(p.subscriptionIdentifiers)
        && Objects.equals(sessionExpiryInterval, p.sessionExpiryInterval)
        && Objects.equals(assignedClientIdentifier, p.assignedClientIdentifier)
        && Objects.equals(serverKeepAlive, p.serverKeepAlive)
        && Objects.equals(authenticationMethod, p.authenticationMethod)
        && java.util.Arrays.equals(authenticationData, p.authenticationData)
        && Objects.equals(requestProblemInformation, p.requestProblemInformation)
        && Objects.equals(willDelayInterval, p.willDelayInterval)
        && Objects.equals(requestResponseInformation, p.requestResponseInformation)
        && Objects.equals(responseInformation, p.responseInformation)
        && Objects.equals(serverReference, p.serverReference)
        && Objects.equals(reasonString, p.reasonString)
        && Objects.equals(receiveMaximum, p.receiveMaximum)
        && Objects.equals(topicAliasMaximum, p.topicAliasMaximum)
        && Objects.equals(topicAlias, p.topicAlias)
        && Objects.equals(maximumQos, p.maximumQos)
        && Objects.equals(retainAvailable, p.retainAvailable)
        && userProperties.equals(p.userProperties)
        && Objects.equals(maximumPacketSize, p.maximumPacketSize)
        && Objects.equals(wildcardSubscriptionAvailable, p.wildcardSubscriptionAvailable)
        && Objects.equals(subscriptionIdentifierAvailable, p.subscriptionIdentifierAvailable)
        && Objects.equals(sharedSubscriptionAvailable, p.sharedSubscriptionAvailable);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        messageExpiryInterval,
        contentType,
        responseTopic,
        topicAlias,
        reasonString,
        userProperties);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    append(s, "payloadFormatIndicator", payloadFormatIndicator);
    append(s, "messageExpiryInterval", messageExpiryInterval);
    append(s, "contentType", contentType);
    append(s, "responseTopic", responseTopic);
    append(
        s, "correlationData", correlationData == null ? null : correlationData.length + " bytes");
    append(
        s,
        "subscriptionIdentifiers",
        subscriptionIdentifiers.isEmpty() ? null : subscriptionIdentifiers);
    append(s, "sessionExpiryInterval", sessionExpiryInterval);
    append(s, "assignedClientIdentifier", assignedClientIdentifier);
    append(s, "serverKeepAlive", serverKeepAlive);
    append(s, "authenticationMethod", authenticationMethod);
    append(s, "willDelayInterval", willDelayInterval);
    append(s, "reasonString", reasonString);
    append(s, "receiveMaximum", receiveMaximum);
    append(s, "topicAliasMaximum", topicAliasMaximum);
    append(s, "topicAlias", topicAlias);
    append(s, "maximumQos", maximumQos);
    append(s, "maximumPacketSize", maximumPacketSize);
    append(s, "userProperties", userProperties.isEmpty() ? null : userProperties);
    return s.append('}').toString();
  }

  private static void append(StringBuilder s, String name, Object value) {
    if (value != null) {
      if (s.length() > 1) {
        s.append(", ");
      }
      s.append(name).append('=').append(value);
    }
  }

  /** Builds {@link MqttProperties}; setters return the builder. */
  public static final class Builder {
    private Integer payloadFormatIndicator;
    private Long messageExpiryInterval;
    private String contentType;
    private String responseTopic;
    private byte[] correlationData;
    private List<Integer> subscriptionIdentifiers = new java.util.ArrayList<>(1);
    private Long sessionExpiryInterval;
    private String assignedClientIdentifier;
    private Integer serverKeepAlive;
    private String authenticationMethod;
    private byte[] authenticationData;
    private Integer requestProblemInformation;
    private Long willDelayInterval;
    private Integer requestResponseInformation;
    private String responseInformation;
    private String serverReference;
    private String reasonString;
    private Integer receiveMaximum;
    private Integer topicAliasMaximum;
    private Integer topicAlias;
    private Integer maximumQos;
    private Integer retainAvailable;
    private List<UserProperty> userProperties = new java.util.ArrayList<>(0);
    private Long maximumPacketSize;
    private Integer wildcardSubscriptionAvailable;
    private Integer subscriptionIdentifierAvailable;
    private Integer sharedSubscriptionAvailable;

    private Builder() {}

    public Builder payloadFormatIndicator(Integer v) {
      payloadFormatIndicator = v;
      return this;
    }

    public Builder messageExpiryInterval(Long v) {
      messageExpiryInterval = v;
      return this;
    }

    public Builder contentType(String v) {
      contentType = v;
      return this;
    }

    public Builder responseTopic(String v) {
      responseTopic = v;
      return this;
    }

    public Builder correlationData(byte[] v) {
      correlationData = v;
      return this;
    }

    public Builder addSubscriptionIdentifier(int v) {
      subscriptionIdentifiers.add(v);
      return this;
    }

    public Builder subscriptionIdentifiers(List<Integer> v) {
      subscriptionIdentifiers = new java.util.ArrayList<>(v);
      return this;
    }

    public Builder sessionExpiryInterval(Long v) {
      sessionExpiryInterval = v;
      return this;
    }

    public Builder assignedClientIdentifier(String v) {
      assignedClientIdentifier = v;
      return this;
    }

    public Builder serverKeepAlive(Integer v) {
      serverKeepAlive = v;
      return this;
    }

    public Builder authenticationMethod(String v) {
      authenticationMethod = v;
      return this;
    }

    public Builder authenticationData(byte[] v) {
      authenticationData = v;
      return this;
    }

    public Builder requestProblemInformation(Integer v) {
      requestProblemInformation = v;
      return this;
    }

    public Builder willDelayInterval(Long v) {
      willDelayInterval = v;
      return this;
    }

    public Builder requestResponseInformation(Integer v) {
      requestResponseInformation = v;
      return this;
    }

    public Builder responseInformation(String v) {
      responseInformation = v;
      return this;
    }

    public Builder serverReference(String v) {
      serverReference = v;
      return this;
    }

    public Builder reasonString(String v) {
      reasonString = v;
      return this;
    }

    public Builder receiveMaximum(Integer v) {
      receiveMaximum = v;
      return this;
    }

    public Builder topicAliasMaximum(Integer v) {
      topicAliasMaximum = v;
      return this;
    }

    public Builder topicAlias(Integer v) {
      topicAlias = v;
      return this;
    }

    public Builder maximumQos(Integer v) {
      maximumQos = v;
      return this;
    }

    public Builder retainAvailable(Integer v) {
      retainAvailable = v;
      return this;
    }

    public Builder addUserProperty(String name, String value) {
      userProperties.add(new UserProperty(name, value));
      return this;
    }

    public Builder userProperties(List<UserProperty> v) {
      userProperties = new java.util.ArrayList<>(v);
      return this;
    }

    public Builder maximumPacketSize(Long v) {
      maximumPacketSize = v;
      return this;
    }

    public Builder wildcardSubscriptionAvailable(Integer v) {
      wildcardSubscriptionAvailable = v;
      return this;
    }

    public Builder subscriptionIdentifierAvailable(Integer v) {
      subscriptionIdentifierAvailable = v;
      return this;
    }

    public Builder sharedSubscriptionAvailable(Integer v) {
      sharedSubscriptionAvailable = v;
      return this;
    }

    public MqttProperties build() {
      return new MqttProperties(this);
    }
  }
}
