package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.PropertyCodec.IN_AUTH;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_CONNACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_CONNECT;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_DISCONNECT;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_PUBLISH;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_PUBLISH_ACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_SUBACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_SUBSCRIBE;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_UNSUBACK;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_UNSUBSCRIBE;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_WILL;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
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
import dev.switchboard.mqtt.packet.Will;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of {@link MqttPacket}s, and their exact encoded size (which a broker needs to honour a
 * client's Maximum Packet Size without encoding first).
 *
 * <p>The version decides the wire form: MQTT 3.1 and 3.1.1 packets carry no properties and no
 * reason codes except CONNACK's return code and SUBACK's return codes, which are written as given.
 * A null version means "not known yet" (a server answering a CONNECT it could not accept) and
 * writes the 3.1.1 form. A CONNECT is always written in the version it names.
 *
 * <p>MQTT 5.0 acknowledgements are written in their shortest form: Reason Code and Property Length
 * are left off when the code is 0 and there are no properties (sections 3.4.2.1, 3.14.2.1,
 * 3.15.2.1). Properties are written only when present and allowed in the packet.
 *
 * <p>Invalid input (a string over 65,535 UTF-8 bytes, a packet over the largest Remaining Length,
 * AUTH before 5.0) is a caller's bug and throws {@link IllegalArgumentException}, before anything
 * is allocated.
 */
public final class MqttCodec {
  /** The largest packet MQTT can express: one type byte, four length bytes, 268,435,455 more. */
  public static final int MAX_PACKET_SIZE = 1 + 4 + Wire.MAX_VARIABLE_BYTE_INTEGER;

  /**
   * Payloads larger than this are not copied into the packet buffer but wrapped, so a message
   * fanned out to many subscribers shares one array; smaller ones are cheaper to copy than to wrap.
   */
  public static final int WRAP_PAYLOAD_ABOVE = 256;

  private MqttCodec() {}

  /** The whole encoded size of {@code packet} (fixed header included), in bytes. */
  public static int encodedSize(MqttPacket packet, MqttVersion version) {
    int remaining = remainingLength(packet, effective(version));
    return 1 + Wire.variableByteIntegerSize(remaining) + remaining;
  }

  /**
   * Encodes {@code packet} into one buffer the caller owns. A PUBLISH with a payload above {@link
   * #WRAP_PAYLOAD_ABOVE} bytes comes back as a composite of the header and the wrapped payload.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, MqttPacket packet, MqttVersion version) {
    List<Object> out = new ArrayList<>(2);
    encode(alloc, packet, version, out);
    if (out.size() == 1) {
      return (ByteBuf) out.get(0);
    }
    CompositeByteBuf composite = alloc.compositeBuffer(out.size());
    for (Object part : out) {
      composite.addComponent(true, (ByteBuf) part);
    }
    return composite;
  }

  /**
   * Encodes {@code packet} into {@code out}: one buffer, or for a PUBLISH with a large payload the
   * header and then the wrapped payload, which a pipeline writes without copying them together.
   */
  static void encode(
      ByteBufAllocator alloc, MqttPacket packet, MqttVersion version, List<Object> out) {
    MqttVersion v = effective(version);
    if (packet instanceof Publish p) {
      encodePublish(alloc, p, v, out);
      return;
    }
    int remaining = remainingLength(packet, v);
    int size = 1 + Wire.variableByteIntegerSize(remaining) + remaining;
    ByteBuf buf = alloc.ioBuffer(size);
    try {
      writePacket(buf, packet, v, remaining);
    } catch (RuntimeException | Error e) {
      buf.release();
      throw e;
    }
    out.add(buf);
  }

  private static MqttVersion effective(MqttVersion version) {
    return version == null ? MqttVersion.V3_1_1 : version;
  }

  private static MqttProperties orEmpty(MqttProperties properties) {
    return properties == null ? MqttProperties.EMPTY : properties;
  }

  // ---------------------------------------------------------------------------------------------
  // Remaining Length of each packet

  private static int remainingLength(MqttPacket packet, MqttVersion v) {
    boolean v5 = v == MqttVersion.V5;
    return switch (packet) {
      case Connect c -> connectLength(c);
      case ConnAck c -> 2 + propertiesLength(v5, c.properties(), IN_CONNACK);
      case Publish p ->
          publishLength(
              p, v5, Wire.stringSize(p.topic()), propertiesSize(v5, p.properties(), IN_PUBLISH));
      case PubAck a -> ackLength(v5, a.reasonCode(), a.properties());
      case PubRec a -> ackLength(v5, a.reasonCode(), a.properties());
      case PubRel a -> ackLength(v5, a.reasonCode(), a.properties());
      case PubComp a -> ackLength(v5, a.reasonCode(), a.properties());
      case Subscribe s -> {
        int length = 2 + propertiesLength(v5, s.properties(), IN_SUBSCRIBE);
        for (Subscription sub : s.subscriptions()) {
          length += Wire.stringSize(sub.filter()) + 1;
        }
        yield length;
      }
      case SubAck s -> 2 + propertiesLength(v5, s.properties(), IN_SUBACK) + s.reasonCodes().size();
      case Unsubscribe u -> {
        int length = 2 + propertiesLength(v5, u.properties(), IN_UNSUBSCRIBE);
        for (String filter : u.filters()) {
          length += Wire.stringSize(filter);
        }
        yield length;
      }
      case UnsubAck u ->
          v5 ? 2 + propertiesLength(true, u.properties(), IN_UNSUBACK) + u.reasonCodes().size() : 2;
      case PingReq p -> 0;
      case PingResp p -> 0;
      case Disconnect d -> {
        if (!v5) {
          yield 0;
        }
        int props = PropertyCodec.size(d.properties(), IN_DISCONNECT);
        yield props == 0
            ? (d.reasonCode() == 0 ? 0 : 1)
            : 1 + Wire.variableByteIntegerSize(props) + props;
      }
      case Auth a -> {
        if (!v5) {
          throw new IllegalArgumentException("AUTH exists only in MQTT 5.0, not " + v);
        }
        int props = PropertyCodec.size(a.properties(), IN_AUTH);
        yield props == 0 && a.reasonCode() == 0
            ? 0
            : 1 + Wire.variableByteIntegerSize(props) + props;
      }
    };
  }

  private static int connectLength(Connect c) {
    MqttVersion v = c.version();
    boolean v5 = v == MqttVersion.V5;
    // Protocol Name, Protocol Level, Connect Flags, Keep Alive.
    int length = 2 + v.protocolName().length() + 1 + 1 + 2;
    length += propertiesLength(v5, c.properties(), IN_CONNECT);
    length += Wire.stringSize(c.clientId());
    Will will = c.will();
    if (will != null) {
      length += propertiesLength(v5, will.properties(), IN_WILL);
      length += Wire.stringSize(will.topic()) + Wire.binarySize(will.payload());
    }
    if (c.username() != null) {
      length += Wire.stringSize(c.username());
    }
    if (c.password() != null) {
      length += Wire.binarySize(c.password());
    }
    return length;
  }

  private static int publishLength(Publish p, boolean v5, int topicSize, int propertiesSize) {
    int length = topicSize + (p.qos() > 0 ? 2 : 0) + p.payload().length;
    if (v5) {
      length += Wire.variableByteIntegerSize(propertiesSize) + propertiesSize;
    }
    return length;
  }

  private static int ackLength(boolean v5, int reasonCode, MqttProperties properties) {
    if (!v5) {
      return 2;
    }
    int props = PropertyCodec.size(properties, IN_PUBLISH_ACK);
    if (props == 0) {
      return reasonCode == 0 ? 2 : 3;
    }
    return 3 + Wire.variableByteIntegerSize(props) + props;
  }

  /** Property Length plus properties, or 0 before 5.0 where there are none. */
  private static int propertiesLength(boolean v5, MqttProperties properties, int context) {
    if (!v5) {
      return 0;
    }
    int size = PropertyCodec.size(properties, context);
    return Wire.variableByteIntegerSize(size) + size;
  }

  private static int propertiesSize(boolean v5, MqttProperties properties, int context) {
    return v5 ? PropertyCodec.size(properties, context) : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * Appends {@code packet} to {@code out} (which grows as needed), payload included. This is how a
   * connection batches many packets into one buffer: one write and one flush for a burst instead of
   * one buffer per packet.
   */
  public static void encodeInto(ByteBuf out, MqttPacket packet, MqttVersion version) {
    MqttVersion v = effective(version);
    if (packet instanceof Publish p) {
      writePublish(out, p, v, true);
      return;
    }
    int remaining = remainingLength(packet, v);
    out.ensureWritable(1 + Wire.variableByteIntegerSize(remaining) + remaining);
    writePacket(out, packet, v, remaining);
  }

  /**
   * Appends everything of a PUBLISH but its payload to {@code out}: the caller writes the payload
   * after it (a large payload shared by many subscribers, wrapped rather than copied).
   */
  public static void encodePublishHeaderInto(ByteBuf out, Publish publish, MqttVersion version) {
    writePublish(out, publish, effective(version), false);
  }

  private static void writePublish(ByteBuf buf, Publish p, MqttVersion v, boolean withPayload) {
    boolean v5 = v == MqttVersion.V5;
    int propertiesSize = propertiesSize(v5, p.properties(), IN_PUBLISH);
    int topicSize = Wire.stringSize(p.topic());
    int remaining = publishLength(p, v5, topicSize, propertiesSize);
    int size = 1 + Wire.variableByteIntegerSize(remaining) + remaining;
    buf.ensureWritable(withPayload ? size : size - p.payload().length);
    writePublish(buf, p, v5, topicSize, propertiesSize, remaining, withPayload);
  }

  private static void encodePublish(
      ByteBufAllocator alloc, Publish p, MqttVersion v, List<Object> out) {
    boolean v5 = v == MqttVersion.V5;
    int propertiesSize = propertiesSize(v5, p.properties(), IN_PUBLISH);
    // The topic's UTF-8 length is measured once: this runs once per subscriber of a message.
    int topicSize = Wire.stringSize(p.topic());
    int remaining = publishLength(p, v5, topicSize, propertiesSize);
    int size = 1 + Wire.variableByteIntegerSize(remaining) + remaining;
    byte[] payload = p.payload();
    boolean wrap = payload.length > WRAP_PAYLOAD_ABOVE;
    ByteBuf buf = alloc.ioBuffer(wrap ? size - payload.length : size);
    try {
      writePublish(buf, p, v5, topicSize, propertiesSize, remaining, !wrap);
    } catch (RuntimeException | Error e) {
      buf.release();
      throw e;
    }
    out.add(buf);
    if (wrap) {
      out.add(Unpooled.wrappedBuffer(payload));
    }
  }

  /** Writes a PUBLISH whose sizes the caller has measured; room for it is already there. */
  private static void writePublish(
      ByteBuf buf,
      Publish p,
      boolean v5,
      int topicSize,
      int propertiesSize,
      int remaining,
      boolean withPayload) {
    buf.writeByte(0x30 | (p.dup() ? 0x08 : 0) | (p.qos() << 1) | (p.retain() ? 0x01 : 0));
    Wire.writeVariableByteInteger(buf, remaining);
    Wire.writeString(buf, p.topic(), topicSize - 2);
    if (p.qos() > 0) {
      buf.writeShort(p.packetId());
    }
    if (v5) {
      PropertyCodec.write(buf, orEmpty(p.properties()), IN_PUBLISH, propertiesSize);
    }
    if (withPayload) {
      buf.writeBytes(p.payload());
    }
  }

  private static void writePacket(ByteBuf buf, MqttPacket packet, MqttVersion v, int remaining) {
    boolean v5 = v == MqttVersion.V5;
    switch (packet) {
      case Connect c -> writeConnect(buf, c, remaining);
      case ConnAck c -> {
        header(buf, 0x20, remaining);
        // 3.1 has no Session Present flag; its first byte is reserved.
        buf.writeByte(c.sessionPresent() && v != MqttVersion.V3_1 ? 0x01 : 0x00);
        buf.writeByte(c.reasonCode());
        writeProperties(buf, v5, c.properties(), IN_CONNACK);
      }
      case Publish p -> throw new AssertionError("PUBLISH is written by encodePublish");
      case PubAck a -> writeAck(buf, 0x40, a.packetId(), a.reasonCode(), a.properties(), remaining);
      case PubRec a -> writeAck(buf, 0x50, a.packetId(), a.reasonCode(), a.properties(), remaining);
      case PubRel a -> writeAck(buf, 0x62, a.packetId(), a.reasonCode(), a.properties(), remaining);
      case PubComp a ->
          writeAck(buf, 0x70, a.packetId(), a.reasonCode(), a.properties(), remaining);
      case Subscribe s -> {
        header(buf, 0x82, remaining);
        buf.writeShort(s.packetId());
        writeProperties(buf, v5, s.properties(), IN_SUBSCRIBE);
        for (Subscription sub : s.subscriptions()) {
          Wire.writeString(buf, sub.filter());
          int options = sub.qos();
          if (v5) {
            options |=
                (sub.noLocal() ? 0x04 : 0)
                    | (sub.retainAsPublished() ? 0x08 : 0)
                    | (sub.retainHandling() << 4);
          }
          buf.writeByte(options);
        }
      }
      case SubAck s -> {
        header(buf, 0x90, remaining);
        buf.writeShort(s.packetId());
        writeProperties(buf, v5, s.properties(), IN_SUBACK);
        for (int code : s.reasonCodes()) {
          buf.writeByte(code);
        }
      }
      case Unsubscribe u -> {
        header(buf, 0xA2, remaining);
        buf.writeShort(u.packetId());
        writeProperties(buf, v5, u.properties(), IN_UNSUBSCRIBE);
        for (String filter : u.filters()) {
          Wire.writeString(buf, filter);
        }
      }
      case UnsubAck u -> {
        header(buf, 0xB0, remaining);
        buf.writeShort(u.packetId());
        if (v5) {
          writeProperties(buf, true, u.properties(), IN_UNSUBACK);
          for (int code : u.reasonCodes()) {
            buf.writeByte(code);
          }
        }
      }
      case PingReq p -> header(buf, 0xC0, 0);
      case PingResp p -> header(buf, 0xD0, 0);
      case Disconnect d -> {
        header(buf, 0xE0, remaining);
        if (remaining > 0) {
          buf.writeByte(d.reasonCode());
          if (remaining > 1) {
            writeProperties(buf, true, d.properties(), IN_DISCONNECT);
          }
        }
      }
      case Auth a -> {
        header(buf, 0xF0, remaining);
        if (remaining > 0) {
          buf.writeByte(a.reasonCode());
          writeProperties(buf, true, a.properties(), IN_AUTH);
        }
      }
    }
  }

  private static void writeConnect(ByteBuf buf, Connect c, int remaining) {
    MqttVersion v = c.version();
    boolean v5 = v == MqttVersion.V5;
    Will will = c.will();
    int flags = c.cleanStart() ? 0x02 : 0;
    if (will != null) {
      flags |= 0x04 | (will.qos() << 3) | (will.retain() ? 0x20 : 0);
    }
    if (c.password() != null) {
      flags |= 0x40;
    }
    if (c.username() != null) {
      flags |= 0x80;
    }
    header(buf, 0x10, remaining);
    Wire.writeString(buf, v.protocolName());
    buf.writeByte(v.level());
    buf.writeByte(flags);
    buf.writeShort(c.keepAlive());
    writeProperties(buf, v5, c.properties(), IN_CONNECT);
    Wire.writeString(buf, c.clientId());
    if (will != null) {
      writeProperties(buf, v5, will.properties(), IN_WILL);
      Wire.writeString(buf, will.topic());
      Wire.writeBinary(buf, will.payload());
    }
    if (c.username() != null) {
      Wire.writeString(buf, c.username());
    }
    if (c.password() != null) {
      Wire.writeBinary(buf, c.password());
    }
  }

  /** {@code remaining} tells which shortest form {@link #ackLength} chose. */
  private static void writeAck(
      ByteBuf buf,
      int firstByte,
      int packetId,
      int reasonCode,
      MqttProperties properties,
      int remaining) {
    header(buf, firstByte, remaining);
    buf.writeShort(packetId);
    if (remaining > 2) {
      buf.writeByte(reasonCode);
      if (remaining > 3) {
        writeProperties(buf, true, properties, IN_PUBLISH_ACK);
      }
    }
  }

  private static void writeProperties(
      ByteBuf buf, boolean v5, MqttProperties properties, int context) {
    if (v5) {
      MqttProperties p = orEmpty(properties);
      PropertyCodec.write(buf, p, context, PropertyCodec.size(p, context));
    }
  }

  private static void header(ByteBuf buf, int firstByte, int remaining) {
    buf.writeByte(firstByte);
    Wire.writeVariableByteInteger(buf, remaining);
  }
}
