package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.packet.MqttProperties.*;

import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.UserProperty;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * MQTT 5.0 properties (section 2.2.2): reading with every check the specification makes, computing
 * their encoded size, and writing them. Which property may appear in which packet is the table of
 * section 2.2.2.2, kept here as one bit mask per property identifier.
 */
final class PropertyCodec {
  // Where a property block sits; one bit each so the table below is a single int per identifier.
  static final int IN_CONNECT = 1;
  static final int IN_CONNACK = 1 << 1;
  static final int IN_PUBLISH = 1 << 2;
  static final int IN_WILL = 1 << 3;

  /** PUBACK, PUBREC, PUBREL and PUBCOMP share one property set. */
  static final int IN_PUBLISH_ACK = 1 << 4;

  static final int IN_SUBSCRIBE = 1 << 5;
  static final int IN_SUBACK = 1 << 6;
  static final int IN_UNSUBSCRIBE = 1 << 7;
  static final int IN_UNSUBACK = 1 << 8;
  static final int IN_DISCONNECT = 1 << 9;
  static final int IN_AUTH = 1 << 10;

  private static final int ALL =
      IN_CONNECT
          | IN_CONNACK
          | IN_PUBLISH
          | IN_WILL
          | IN_PUBLISH_ACK
          | IN_SUBSCRIBE
          | IN_SUBACK
          | IN_UNSUBSCRIBE
          | IN_UNSUBACK
          | IN_DISCONNECT
          | IN_AUTH;

  /** Section 2.2.2.2: for each identifier, the packets it may appear in; 0 for unassigned ones. */
  private static final int[] ALLOWED = new int[SHARED_SUBSCRIPTION_AVAILABLE + 1];

  static {
    ALLOWED[PAYLOAD_FORMAT_INDICATOR] = IN_PUBLISH | IN_WILL;
    ALLOWED[MESSAGE_EXPIRY_INTERVAL] = IN_PUBLISH | IN_WILL;
    ALLOWED[CONTENT_TYPE] = IN_PUBLISH | IN_WILL;
    ALLOWED[RESPONSE_TOPIC] = IN_PUBLISH | IN_WILL;
    ALLOWED[CORRELATION_DATA] = IN_PUBLISH | IN_WILL;
    ALLOWED[SUBSCRIPTION_IDENTIFIER] = IN_PUBLISH | IN_SUBSCRIBE;
    ALLOWED[SESSION_EXPIRY_INTERVAL] = IN_CONNECT | IN_CONNACK | IN_DISCONNECT;
    ALLOWED[ASSIGNED_CLIENT_IDENTIFIER] = IN_CONNACK;
    ALLOWED[SERVER_KEEP_ALIVE] = IN_CONNACK;
    ALLOWED[AUTHENTICATION_METHOD] = IN_CONNECT | IN_CONNACK | IN_AUTH;
    ALLOWED[AUTHENTICATION_DATA] = IN_CONNECT | IN_CONNACK | IN_AUTH;
    ALLOWED[REQUEST_PROBLEM_INFORMATION] = IN_CONNECT;
    ALLOWED[WILL_DELAY_INTERVAL] = IN_WILL;
    ALLOWED[REQUEST_RESPONSE_INFORMATION] = IN_CONNECT;
    ALLOWED[RESPONSE_INFORMATION] = IN_CONNACK;
    ALLOWED[SERVER_REFERENCE] = IN_CONNACK | IN_DISCONNECT;
    ALLOWED[REASON_STRING] =
        IN_CONNACK | IN_PUBLISH_ACK | IN_SUBACK | IN_UNSUBACK | IN_DISCONNECT | IN_AUTH;
    ALLOWED[RECEIVE_MAXIMUM] = IN_CONNECT | IN_CONNACK;
    ALLOWED[TOPIC_ALIAS_MAXIMUM] = IN_CONNECT | IN_CONNACK;
    ALLOWED[TOPIC_ALIAS] = IN_PUBLISH;
    ALLOWED[MAXIMUM_QOS] = IN_CONNACK;
    ALLOWED[RETAIN_AVAILABLE] = IN_CONNACK;
    ALLOWED[USER_PROPERTY] = ALL;
    ALLOWED[MAXIMUM_PACKET_SIZE] = IN_CONNECT | IN_CONNACK;
    ALLOWED[WILDCARD_SUBSCRIPTION_AVAILABLE] = IN_CONNACK;
    ALLOWED[SUBSCRIPTION_IDENTIFIER_AVAILABLE] = IN_CONNACK;
    ALLOWED[SHARED_SUBSCRIPTION_AVAILABLE] = IN_CONNACK;
  }

  /** The largest Subscription Identifier, the largest Variable Byte Integer (3.3.2.3.8). */
  static final int MAX_SUBSCRIPTION_IDENTIFIER = 268_435_455;

  private PropertyCodec() {}

  static boolean isAllowed(int identifier, int context) {
    return identifier > 0 && identifier < ALLOWED.length && (ALLOWED[identifier] & context) != 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * Reads a property block (length, then properties) that sits in {@code context}.
   *
   * @param repeatableSubscriptionIds true only for a PUBLISH that a server sent to a client, the
   *     one place where several Subscription Identifiers may appear (3.3.4)
   */
  static MqttProperties read(PacketReader r, int context, boolean repeatableSubscriptionIds) {
    int length = r.readVariableByteInteger("Property Length");
    if (length == 0) {
      return MqttProperties.EMPTY;
    }
    if (length > r.remaining()) {
      throw DecodeException.malformed("Property Length runs past the end of the packet");
    }
    int packetLimit = r.limit();
    r.limit(r.position() + length);
    MqttProperties.Builder b = MqttProperties.builder();
    long seen = 0;
    while (r.hasRemaining()) {
      // The identifier is a Variable Byte Integer, but every assigned one fits in one byte; a
      // multi-byte identifier is therefore unknown, which the table lookup reports.
      int id = r.readUnsignedByte("Property Identifier");
      if (!isAllowed(id, context)) {
        throw DecodeException.malformed(
            String.format(
                "property 0x%02X is not allowed in this packet (5.0 section 2.2.2.2)", id));
      }
      long bit = 1L << id;
      if ((seen & bit) != 0
          && id != USER_PROPERTY
          && !(id == SUBSCRIPTION_IDENTIFIER && repeatableSubscriptionIds)) {
        throw DecodeException.protocolError(
            String.format("property 0x%02X appears more than once (5.0 section 2.2.2.2)", id));
      }
      seen |= bit;
      readValue(r, id, b);
    }
    r.limit(packetLimit);
    return b.build();
  }

  private static void readValue(PacketReader r, int id, MqttProperties.Builder b) {
    switch (id) {
      case PAYLOAD_FORMAT_INDICATOR ->
          b.payloadFormatIndicator(zeroOrOne(r, "Payload Format Indicator"));
      case MESSAGE_EXPIRY_INTERVAL ->
          b.messageExpiryInterval(r.readUnsignedInt("Message Expiry Interval"));
      case CONTENT_TYPE -> b.contentType(r.readString("Content Type"));
      case RESPONSE_TOPIC -> b.responseTopic(r.readString("Response Topic"));
      case CORRELATION_DATA -> b.correlationData(r.readBinary("Correlation Data"));
      case SUBSCRIPTION_IDENTIFIER -> {
        int value = r.readVariableByteInteger("Subscription Identifier");
        if (value == 0) {
          throw DecodeException.protocolError(
              "Subscription Identifier 0 (5.0 section 3.8.2.1.2: range 1 to 268,435,455)");
        }
        b.addSubscriptionIdentifier(value);
      }
      case SESSION_EXPIRY_INTERVAL ->
          b.sessionExpiryInterval(r.readUnsignedInt("Session Expiry Interval"));
      case ASSIGNED_CLIENT_IDENTIFIER ->
          b.assignedClientIdentifier(r.readString("Assigned Client Identifier"));
      case SERVER_KEEP_ALIVE -> b.serverKeepAlive(r.readUnsignedShort("Server Keep Alive"));
      case AUTHENTICATION_METHOD -> b.authenticationMethod(r.readString("Authentication Method"));
      case AUTHENTICATION_DATA -> b.authenticationData(r.readBinary("Authentication Data"));
      case REQUEST_PROBLEM_INFORMATION ->
          b.requestProblemInformation(zeroOrOne(r, "Request Problem Information"));
      case WILL_DELAY_INTERVAL -> b.willDelayInterval(r.readUnsignedInt("Will Delay Interval"));
      case REQUEST_RESPONSE_INFORMATION ->
          b.requestResponseInformation(zeroOrOne(r, "Request Response Information"));
      case RESPONSE_INFORMATION -> b.responseInformation(r.readString("Response Information"));
      case SERVER_REFERENCE -> b.serverReference(r.readString("Server Reference"));
      case REASON_STRING -> b.reasonString(r.readString("Reason String"));
      case RECEIVE_MAXIMUM -> b.receiveMaximum(nonZeroShort(r, "Receive Maximum"));
      case TOPIC_ALIAS_MAXIMUM -> b.topicAliasMaximum(r.readUnsignedShort("Topic Alias Maximum"));
      // Topic Alias 0 is decoded as is: whether it is acceptable is the receiver's session logic.
      case TOPIC_ALIAS -> b.topicAlias(r.readUnsignedShort("Topic Alias"));
      case MAXIMUM_QOS -> b.maximumQos(zeroOrOne(r, "Maximum QoS"));
      case RETAIN_AVAILABLE -> b.retainAvailable(zeroOrOne(r, "Retain Available"));
      case USER_PROPERTY -> {
        String name = r.readString("User Property name");
        String value = r.readString("User Property value");
        b.addUserProperty(name, value);
      }
      case MAXIMUM_PACKET_SIZE -> {
        long value = r.readUnsignedInt("Maximum Packet Size");
        if (value == 0) {
          throw DecodeException.protocolError("Maximum Packet Size 0 (5.0 section 3.1.2.11.4)");
        }
        b.maximumPacketSize(value);
      }
      case WILDCARD_SUBSCRIPTION_AVAILABLE ->
          b.wildcardSubscriptionAvailable(zeroOrOne(r, "Wildcard Subscription Available"));
      case SUBSCRIPTION_IDENTIFIER_AVAILABLE ->
          b.subscriptionIdentifierAvailable(zeroOrOne(r, "Subscription Identifier Available"));
      case SHARED_SUBSCRIPTION_AVAILABLE ->
          b.sharedSubscriptionAvailable(zeroOrOne(r, "Shared Subscription Available"));
      default -> throw new AssertionError("property table and switch disagree on " + id);
    }
  }

  private static int zeroOrOne(PacketReader r, String name) {
    int value = r.readUnsignedByte(name);
    if (value > 1) {
      throw DecodeException.protocolError(name + " is " + value + ", not 0 or 1");
    }
    return value;
  }

  private static int nonZeroShort(PacketReader r, String name) {
    int value = r.readUnsignedShort(name);
    if (value == 0) {
      throw DecodeException.protocolError(name + " is 0");
    }
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Size and writing. Only properties that are present and allowed in the packet are written: the
  // model is shared (a Will's properties become a PUBLISH's), and a property that is not allowed
  // where it sits would make the whole packet malformed for the peer.

  /** The size of the properties themselves, without the Property Length in front of them. */
  static int size(MqttProperties p, int context) {
    if (p == null || p == MqttProperties.EMPTY) {
      return 0;
    }
    int size = 0;
    if (p.payloadFormatIndicator() != null && isAllowed(PAYLOAD_FORMAT_INDICATOR, context)) {
      size += 2;
    }
    if (p.messageExpiryInterval() != null && isAllowed(MESSAGE_EXPIRY_INTERVAL, context)) {
      size += 5;
    }
    size += stringSize(p.contentType(), CONTENT_TYPE, context);
    size += stringSize(p.responseTopic(), RESPONSE_TOPIC, context);
    size += binarySize(p.correlationData(), CORRELATION_DATA, context);
    if (isAllowed(SUBSCRIPTION_IDENTIFIER, context)) {
      for (int id : p.subscriptionIdentifiers()) {
        size += 1 + Wire.variableByteIntegerSize(checkSubscriptionIdentifier(id));
      }
    }
    if (p.sessionExpiryInterval() != null && isAllowed(SESSION_EXPIRY_INTERVAL, context)) {
      size += 5;
    }
    size += stringSize(p.assignedClientIdentifier(), ASSIGNED_CLIENT_IDENTIFIER, context);
    if (p.serverKeepAlive() != null && isAllowed(SERVER_KEEP_ALIVE, context)) {
      size += 3;
    }
    size += stringSize(p.authenticationMethod(), AUTHENTICATION_METHOD, context);
    size += binarySize(p.authenticationData(), AUTHENTICATION_DATA, context);
    if (p.requestProblemInformation() != null && isAllowed(REQUEST_PROBLEM_INFORMATION, context)) {
      size += 2;
    }
    if (p.willDelayInterval() != null && isAllowed(WILL_DELAY_INTERVAL, context)) {
      size += 5;
    }
    if (p.requestResponseInformation() != null
        && isAllowed(REQUEST_RESPONSE_INFORMATION, context)) {
      size += 2;
    }
    size += stringSize(p.responseInformation(), RESPONSE_INFORMATION, context);
    size += stringSize(p.serverReference(), SERVER_REFERENCE, context);
    size += stringSize(p.reasonString(), REASON_STRING, context);
    if (p.receiveMaximum() != null && isAllowed(RECEIVE_MAXIMUM, context)) {
      size += 3;
    }
    if (p.topicAliasMaximum() != null && isAllowed(TOPIC_ALIAS_MAXIMUM, context)) {
      size += 3;
    }
    if (p.topicAlias() != null && isAllowed(TOPIC_ALIAS, context)) {
      size += 3;
    }
    if (p.maximumQos() != null && isAllowed(MAXIMUM_QOS, context)) {
      size += 2;
    }
    if (p.retainAvailable() != null && isAllowed(RETAIN_AVAILABLE, context)) {
      size += 2;
    }
    for (UserProperty u : p.userProperties()) {
      size += 1 + Wire.stringSize(u.name()) + Wire.stringSize(u.value());
    }
    if (p.maximumPacketSize() != null && isAllowed(MAXIMUM_PACKET_SIZE, context)) {
      size += 5;
    }
    if (p.wildcardSubscriptionAvailable() != null
        && isAllowed(WILDCARD_SUBSCRIPTION_AVAILABLE, context)) {
      size += 2;
    }
    if (p.subscriptionIdentifierAvailable() != null
        && isAllowed(SUBSCRIPTION_IDENTIFIER_AVAILABLE, context)) {
      size += 2;
    }
    if (p.sharedSubscriptionAvailable() != null
        && isAllowed(SHARED_SUBSCRIPTION_AVAILABLE, context)) {
      size += 2;
    }
    return size;
  }

  /** Writes the Property Length {@code size} (from {@link #size}) and then the properties. */
  static void write(ByteBuf out, MqttProperties p, int context, int size) {
    Wire.writeVariableByteInteger(out, size);
    if (size == 0) {
      return;
    }
    byteProperty(out, PAYLOAD_FORMAT_INDICATOR, p.payloadFormatIndicator(), context);
    intProperty(out, MESSAGE_EXPIRY_INTERVAL, p.messageExpiryInterval(), context);
    stringProperty(out, CONTENT_TYPE, p.contentType(), context);
    stringProperty(out, RESPONSE_TOPIC, p.responseTopic(), context);
    binaryProperty(out, CORRELATION_DATA, p.correlationData(), context);
    if (isAllowed(SUBSCRIPTION_IDENTIFIER, context)) {
      List<Integer> ids = p.subscriptionIdentifiers();
      for (int i = 0; i < ids.size(); i++) {
        out.writeByte(SUBSCRIPTION_IDENTIFIER);
        Wire.writeVariableByteInteger(out, ids.get(i));
      }
    }
    intProperty(out, SESSION_EXPIRY_INTERVAL, p.sessionExpiryInterval(), context);
    stringProperty(out, ASSIGNED_CLIENT_IDENTIFIER, p.assignedClientIdentifier(), context);
    shortProperty(out, SERVER_KEEP_ALIVE, p.serverKeepAlive(), context);
    stringProperty(out, AUTHENTICATION_METHOD, p.authenticationMethod(), context);
    binaryProperty(out, AUTHENTICATION_DATA, p.authenticationData(), context);
    byteProperty(out, REQUEST_PROBLEM_INFORMATION, p.requestProblemInformation(), context);
    intProperty(out, WILL_DELAY_INTERVAL, p.willDelayInterval(), context);
    byteProperty(out, REQUEST_RESPONSE_INFORMATION, p.requestResponseInformation(), context);
    stringProperty(out, RESPONSE_INFORMATION, p.responseInformation(), context);
    stringProperty(out, SERVER_REFERENCE, p.serverReference(), context);
    stringProperty(out, REASON_STRING, p.reasonString(), context);
    shortProperty(out, RECEIVE_MAXIMUM, p.receiveMaximum(), context);
    shortProperty(out, TOPIC_ALIAS_MAXIMUM, p.topicAliasMaximum(), context);
    shortProperty(out, TOPIC_ALIAS, p.topicAlias(), context);
    byteProperty(out, MAXIMUM_QOS, p.maximumQos(), context);
    byteProperty(out, RETAIN_AVAILABLE, p.retainAvailable(), context);
    List<UserProperty> users = p.userProperties();
    for (int i = 0; i < users.size(); i++) {
      UserProperty u = users.get(i);
      out.writeByte(USER_PROPERTY);
      Wire.writeString(out, u.name());
      Wire.writeString(out, u.value());
    }
    intProperty(out, MAXIMUM_PACKET_SIZE, p.maximumPacketSize(), context);
    byteProperty(out, WILDCARD_SUBSCRIPTION_AVAILABLE, p.wildcardSubscriptionAvailable(), context);
    byteProperty(
        out, SUBSCRIPTION_IDENTIFIER_AVAILABLE, p.subscriptionIdentifierAvailable(), context);
    byteProperty(out, SHARED_SUBSCRIPTION_AVAILABLE, p.sharedSubscriptionAvailable(), context);
  }

  private static int checkSubscriptionIdentifier(int id) {
    if (id < 1 || id > MAX_SUBSCRIPTION_IDENTIFIER) {
      throw new IllegalArgumentException("Subscription Identifier out of range: " + id);
    }
    return id;
  }

  private static int stringSize(String value, int id, int context) {
    return value != null && isAllowed(id, context) ? 1 + Wire.stringSize(value) : 0;
  }

  private static int binarySize(byte[] value, int id, int context) {
    return value != null && isAllowed(id, context) ? 1 + Wire.binarySize(value) : 0;
  }

  private static void byteProperty(ByteBuf out, int id, Integer value, int context) {
    if (value != null && isAllowed(id, context)) {
      out.writeByte(id);
      out.writeByte(value);
    }
  }

  private static void shortProperty(ByteBuf out, int id, Integer value, int context) {
    if (value != null && isAllowed(id, context)) {
      out.writeByte(id);
      out.writeShort(value);
    }
  }

  private static void intProperty(ByteBuf out, int id, Long value, int context) {
    if (value != null && isAllowed(id, context)) {
      out.writeByte(id);
      out.writeInt((int) value.longValue());
    }
  }

  private static void stringProperty(ByteBuf out, int id, String value, int context) {
    if (value != null && isAllowed(id, context)) {
      out.writeByte(id);
      Wire.writeString(out, value);
    }
  }

  private static void binaryProperty(ByteBuf out, int id, byte[] value, int context) {
    if (value != null && isAllowed(id, context)) {
      out.writeByte(id);
      Wire.writeBinary(out, value);
    }
  }
}
