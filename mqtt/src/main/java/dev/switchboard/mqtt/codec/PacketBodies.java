package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.PropertyCodec.IN_AUTH;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_CONNACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_DISCONNECT;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_PUBLISH;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_PUBLISH_ACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_SUBACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_SUBSCRIBE;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_UNSUBACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_UNSUBSCRIBE;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PacketType;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bodies of every packet but CONNECT, read in place by {@link MqttDecoder} once it has framed a
 * whole packet and knows the connection's protocol version: one of its flows (the decoder itself
 * frames packets, checks their fixed headers and sizes, and reads the CONNECT that sets the
 * version).
 */
final class PacketBodies {
  /**
   * One reader and body decoder per thread and side, shared by the connections that thread decodes
   * for: it holds a packet's buffer only while that packet is read, so a connection need not carry
   * one of its own (two objects, 48 bytes, on each idle connection). A decode never runs inside
   * another on the same thread: the packet is handed on only after it is read.
   */
  private static final FastThreadLocal<PacketBodies> SERVER_SIDE =
      new FastThreadLocal<>() {
        @Override
        protected PacketBodies initialValue() {
          return new PacketBodies(true);
        }
      };

  private static final FastThreadLocal<PacketBodies> CLIENT_SIDE =
      new FastThreadLocal<>() {
        @Override
        protected PacketBodies initialValue() {
          return new PacketBodies(false);
        }
      };

  private final PacketReader reader = new PacketReader();
  private final boolean serverSide;

  private PacketBodies(boolean serverSide) {
    this.serverSide = serverSide;
  }

  /**
   * This thread's body decoder for the server's side (it reads what clients send) or a client's.
   */
  static PacketBodies forThread(boolean serverSide) {
    return serverSide ? SERVER_SIDE.get() : CLIENT_SIDE.get();
  }

  PacketReader reader() {
    return reader;
  }

  /**
   * The packet of {@code type} whose body the reader holds, for a connection speaking {@code
   * version}.
   */
  MqttPacket decode(PacketType type, int flags, MqttVersion version) {
    return switch (type) {
      case CONNACK -> decodeConnAck(version);
      case PUBLISH -> decodePublish(flags, version);
      case PUBACK, PUBREC, PUBREL, PUBCOMP -> decodePublishAck(type, version);
      case SUBSCRIBE -> decodeSubscribe(version);
      case SUBACK -> decodeSubAck(version);
      case UNSUBSCRIBE -> decodeUnsubscribe(version);
      case UNSUBACK -> decodeUnsubAck(version);
      case PINGREQ -> {
        reader.requireEnd("PINGREQ");
        yield PingReq.INSTANCE;
      }
      case PINGRESP -> {
        reader.requireEnd("PINGRESP");
        yield PingResp.INSTANCE;
      }
      case DISCONNECT -> decodeDisconnect(version);
      case AUTH -> decodeAuth(version);
      case CONNECT -> throw new IllegalArgumentException("CONNECT is the decoder's own");
    };
  }

  // ---------------------------------------------------------------------------------------------
  // CONNACK (3.1.1 section 3.2, 5.0 section 3.2)

  private ConnAck decodeConnAck(MqttVersion version) {
    PacketReader r = reader;
    MqttVersion v = version;
    int ackFlags = r.readUnsignedByte("Connect Acknowledge Flags");
    int code = r.readUnsignedByte("Connect Return Code");
    if (v == MqttVersion.V3_1) {
      // In 3.1 the first byte is reserved and there is no Session Present flag.
      r.requireEnd("CONNACK");
      return new ConnAck(false, code, MqttProperties.EMPTY);
    }
    if ((ackFlags & 0xFE) != 0) {
      throw DecodeException.malformed(
          "CONNACK Acknowledge Flags bits 7-1 are reserved and must be 0 [MQTT-3.2.2-1]");
    }
    MqttProperties properties = MqttProperties.EMPTY;
    // A 5.0 client may be refused by a server that answers in 3.1.1 form (two bytes, 0x01):
    // that answer is read, not rejected, so the client learns why.
    if (v == MqttVersion.V5 && r.hasRemaining()) {
      properties = PropertyCodec.read(r, IN_CONNACK, false);
    }
    r.requireEnd("CONNACK");
    return new ConnAck((ackFlags & 0x01) != 0, code, properties);
  }

  // ---------------------------------------------------------------------------------------------
  // PUBLISH (3.1.1 section 3.3, 5.0 section 3.3)

  private Publish decodePublish(int flags, MqttVersion version) {
    PacketReader r = reader;
    boolean v5 = version == MqttVersion.V5;
    int qos = (flags >>> 1) & 0x03;
    String topic = r.readString("Topic Name");
    if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
      throw new DecodeException(
          ReasonCode.TOPIC_NAME_INVALID, "wildcard in a PUBLISH Topic Name [MQTT-3.3.2-2]");
    }
    int packetId = 0;
    if (qos > 0) {
      packetId = r.readUnsignedShort("Packet Identifier");
      if (packetId == 0) {
        throw DecodeException.malformed(
            "Packet Identifier 0 in a QoS " + qos + " PUBLISH [MQTT-2.3.1-1]");
      }
    }
    MqttProperties properties = MqttProperties.EMPTY;
    if (v5) {
      properties = PropertyCodec.read(r, IN_PUBLISH, !serverSide);
      if (serverSide && !properties.subscriptionIdentifiers().isEmpty()) {
        throw DecodeException.protocolError(
            "Subscription Identifier in a PUBLISH from a client [MQTT-3.3.4-6]");
      }
    }
    if (topic.isEmpty()) {
      if (!v5) {
        throw DecodeException.protocolError("empty Topic Name [MQTT-4.7.3-1]");
      }
      if (properties.topicAlias() == null) {
        throw DecodeException.protocolError(
            "empty Topic Name without a Topic Alias (5.0 section 3.3.2.1)");
      }
    }
    byte[] payload = r.readRest();
    return new Publish(
        topic, payload, qos, (flags & 0x01) != 0, (flags & 0x08) != 0, packetId, properties);
  }

  // ---------------------------------------------------------------------------------------------
  // PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7)

  private MqttPacket decodePublishAck(PacketType type, MqttVersion version) {
    PacketReader r = reader;
    int packetId;
    int reasonCode = ReasonCode.SUCCESS;
    MqttProperties properties = MqttProperties.EMPTY;
    if (version == MqttVersion.V5) {
      packetId = r.readUnsignedShort("Packet Identifier");
      // 5.0 section 3.4.2.1: Reason Code and Property Length may be left off when they are 0.
      if (r.hasRemaining()) {
        reasonCode = r.readUnsignedByte("Reason Code");
        if (r.hasRemaining()) {
          properties = PropertyCodec.read(r, IN_PUBLISH_ACK, false);
        }
      }
      r.requireEnd(type.name());
    } else {
      if (r.remaining() != 2) {
        throw DecodeException.malformed(type + " Remaining Length must be 2, not " + r.remaining());
      }
      packetId = r.readUnsignedShort("Packet Identifier");
    }
    return switch (type) {
      case PUBACK -> new PubAck(packetId, reasonCode, properties);
      case PUBREC -> new PubRec(packetId, reasonCode, properties);
      case PUBREL -> new PubRel(packetId, reasonCode, properties);
      case PUBCOMP -> new PubComp(packetId, reasonCode, properties);
      default -> throw new AssertionError(type);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (sections 3.8 to 3.11)

  private Subscribe decodeSubscribe(MqttVersion version) {
    PacketReader r = reader;
    boolean v5 = version == MqttVersion.V5;
    int packetId = nonZeroPacketId("SUBSCRIBE");
    MqttProperties properties =
        v5 ? PropertyCodec.read(r, IN_SUBSCRIBE, false) : MqttProperties.EMPTY;
    List<Subscription> subscriptions = new ArrayList<>(2);
    while (r.hasRemaining()) {
      String filter = r.readString("Topic Filter");
      int options = r.readUnsignedByte("Subscription Options");
      int qos = options & 0x03;
      if (v5) {
        if ((options & 0xC0) != 0) {
          throw DecodeException.malformed(
              "Subscription Options reserved bits 7-6 are set [MQTT-3.8.3-5]");
        }
        if (qos == 3) {
          throw DecodeException.malformed("Subscription Options QoS is 3 (5.0 section 3.8.3.1)");
        }
        int retainHandling = (options >>> 4) & 0x03;
        if (retainHandling == 3) {
          throw DecodeException.protocolError("Retain Handling is 3 (5.0 section 3.8.3.1)");
        }
        subscriptions.add(
            new Subscription(
                filter, qos, (options & 0x04) != 0, (options & 0x08) != 0, retainHandling));
      } else {
        if ((options & 0xFC) != 0 || qos == 3) {
          throw DecodeException.malformed(
              "requested QoS byte has reserved bits set or QoS 3 [MQTT-3-8.3-4]");
        }
        subscriptions.add(new Subscription(filter, qos));
      }
    }
    if (subscriptions.isEmpty()) {
      throw DecodeException.protocolError(
          "SUBSCRIBE without a Topic Filter " + (v5 ? "[MQTT-3.8.3-2]" : "[MQTT-3.8.3-3]"));
    }
    return new Subscribe(packetId, Collections.unmodifiableList(subscriptions), properties);
  }

  private SubAck decodeSubAck(MqttVersion version) {
    PacketReader r = reader;
    int packetId = r.readUnsignedShort("Packet Identifier");
    MqttProperties properties =
        version == MqttVersion.V5 ? PropertyCodec.read(r, IN_SUBACK, false) : MqttProperties.EMPTY;
    List<Integer> codes = readReasonCodes("SUBACK");
    return new SubAck(packetId, codes, properties);
  }

  private Unsubscribe decodeUnsubscribe(MqttVersion version) {
    PacketReader r = reader;
    boolean v5 = version == MqttVersion.V5;
    int packetId = nonZeroPacketId("UNSUBSCRIBE");
    MqttProperties properties =
        v5 ? PropertyCodec.read(r, IN_UNSUBSCRIBE, false) : MqttProperties.EMPTY;
    List<String> filters = new ArrayList<>(2);
    while (r.hasRemaining()) {
      filters.add(r.readString("Topic Filter"));
    }
    if (filters.isEmpty()) {
      throw DecodeException.protocolError("UNSUBSCRIBE without a Topic Filter [MQTT-3.10.3-2]");
    }
    return new Unsubscribe(packetId, Collections.unmodifiableList(filters), properties);
  }

  private UnsubAck decodeUnsubAck(MqttVersion version) {
    PacketReader r = reader;
    if (version != MqttVersion.V5) {
      if (r.remaining() != 2) {
        throw DecodeException.malformed(
            "UNSUBACK Remaining Length must be 2, not " + r.remaining());
      }
      return new UnsubAck(
          r.readUnsignedShort("Packet Identifier"), List.of(), MqttProperties.EMPTY);
    }
    int packetId = r.readUnsignedShort("Packet Identifier");
    MqttProperties properties = PropertyCodec.read(r, IN_UNSUBACK, false);
    return new UnsubAck(packetId, readReasonCodes("UNSUBACK"), properties);
  }

  private int nonZeroPacketId(String packet) {
    int packetId = reader.readUnsignedShort("Packet Identifier");
    if (packetId == 0) {
      throw DecodeException.malformed("Packet Identifier 0 in " + packet + " [MQTT-2.3.1-1]");
    }
    return packetId;
  }

  private List<Integer> readReasonCodes(String packet) {
    PacketReader r = reader;
    int count = r.remaining();
    if (count == 0) {
      // One code per filter of the SUBSCRIBE/UNSUBSCRIBE, which had at least one.
      throw DecodeException.protocolError(packet + " without a reason code");
    }
    Integer[] codes = new Integer[count];
    for (int i = 0; i < count; i++) {
      codes[i] = r.readUnsignedByte("Reason Code");
    }
    return List.of(codes);
  }

  // ---------------------------------------------------------------------------------------------
  // DISCONNECT (3.1.1 section 3.14, 5.0 section 3.14) and AUTH (5.0 section 3.15)

  private Disconnect decodeDisconnect(MqttVersion version) {
    PacketReader r = reader;
    if (version != MqttVersion.V5 || !r.hasRemaining()) {
      r.requireEnd("DISCONNECT");
      return Disconnect.NORMAL;
    }
    // 5.0 section 3.14.2.2.1: with a Remaining Length below 2 the Property Length is taken as 0.
    int reasonCode = r.readUnsignedByte("Reason Code");
    MqttProperties properties =
        r.hasRemaining() ? PropertyCodec.read(r, IN_DISCONNECT, false) : MqttProperties.EMPTY;
    r.requireEnd("DISCONNECT");
    if (!serverSide && properties.sessionExpiryInterval() != null) {
      throw DecodeException.protocolError(
          "Session Expiry Interval in a DISCONNECT from a server [MQTT-3.14.2-2]");
    }
    return new Disconnect(reasonCode, properties);
  }

  private Auth decodeAuth(MqttVersion version) {
    PacketReader r = reader;
    if (!r.hasRemaining()) {
      // 5.0 section 3.15.2.1: both may be left off when the reason is Success with no properties.
      return new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }
    int reasonCode = r.readUnsignedByte("Reason Code");
    // Unlike DISCONNECT, AUTH has no rule that lets the Property Length alone be left off.
    MqttProperties properties = PropertyCodec.read(r, IN_AUTH, false);
    r.requireEnd("AUTH");
    return new Auth(reasonCode, properties);
  }
}
