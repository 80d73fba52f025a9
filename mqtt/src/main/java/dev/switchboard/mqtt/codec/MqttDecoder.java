package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.PropertyCodec.IN_CONNECT;
import static dev.switchboard.mqtt.codec.PropertyCodec.IN_WILL;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PacketType;
import dev.switchboard.mqtt.packet.Will;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Turns bytes into {@link MqttPacket}s, checking every rule of MQTT 3.1, 3.1.1 and 5.0 that can be
 * checked without session state. A packet that breaks one becomes a {@link DecodeError} instead,
 * after which all further input is discarded: the handler behind answers and closes.
 *
 * <p>Sizes come first: the whole packet size is checked against the limit as soon as the Remaining
 * Length is known, before the body is waited for, and every length inside a packet is checked
 * against what is left of that packet before anything is allocated for it. On the server side a
 * CONNECT may have a smaller limit of its own ({@link #MqttDecoder(boolean, int, int,
 * LongConsumer)}): it arrives before anyone is authenticated, so what an unknown peer can make the
 * broker wait for stays small. The body is read in place from the cumulation buffer; only strings
 * and byte arrays the packet model holds are allocated.
 *
 * <p>One instance per connection, used on its event loop. The server side learns the protocol
 * version from the CONNECT; the client side is told it with {@link #setVersion} before the CONNACK
 * arrives.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
  private static final byte[] MQTT = "MQTT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MQISDP = "MQIsdp".getBytes(StandardCharsets.US_ASCII);

  private final boolean serverSide;
  private volatile int maxPacketSize;
  private final int maxConnectSize;
  private volatile MqttVersion version;
  private boolean connectReceived;
  private boolean decodingConnect;
  private boolean failed;
  private final LongConsumer bytesRead;

  /**
   * @param serverSide true in a broker (it receives what clients send), false in a client
   * @param maxPacketSize the largest whole packet (fixed header included) accepted, in bytes
   */
  public MqttDecoder(boolean serverSide, int maxPacketSize) {
    this(serverSide, maxPacketSize, null);
  }

  /**
   * @param bytesRead told the size of every buffer read from the network (a byte counter), or null
   */
  public MqttDecoder(boolean serverSide, int maxPacketSize, LongConsumer bytesRead) {
    this(serverSide, maxPacketSize, Integer.MAX_VALUE, bytesRead);
  }

  /**
   * @param maxConnectSize the largest whole first CONNECT accepted, in bytes; the smaller of it and
   *     {@code maxPacketSize} applies. A larger one is refused from its fixed header (with the
   *     version it announces, when its first bytes tell it), like a packet over the maximum.
   * @param bytesRead told the size of every buffer read from the network (a byte counter), or null
   */
  public MqttDecoder(
      boolean serverSide, int maxPacketSize, int maxConnectSize, LongConsumer bytesRead) {
    if (maxConnectSize < 2) {
      throw new IllegalArgumentException("maxConnectSize must be at least 2: " + maxConnectSize);
    }
    this.serverSide = serverSide;
    this.bytesRead = bytesRead;
    this.maxConnectSize = maxConnectSize;
    setMaxPacketSize(maxPacketSize);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (bytesRead != null && msg instanceof ByteBuf buf) {
      bytesRead.accept(buf.readableBytes());
    }
    super.channelRead(ctx, msg);
  }

  /** Sets the protocol version; a client does so before the CONNACK arrives. */
  public void setVersion(MqttVersion version) {
    this.version = version;
  }

  /**
   * The protocol version: on the server side the one the CONNECT announced (null before it, and
   * after a CONNECT with an unsupported level), on the client side the one set.
   */
  public MqttVersion version() {
    return version;
  }

  public void setMaxPacketSize(int maxPacketSize) {
    if (maxPacketSize < 2) {
      throw new IllegalArgumentException("maxPacketSize must be at least 2: " + maxPacketSize);
    }
    this.maxPacketSize = maxPacketSize;
  }

  public int maxPacketSize() {
    return maxPacketSize;
  }

  /** The largest first CONNECT accepted: the CONNECT limit, or the packet limit when smaller. */
  public int maxConnectSize() {
    return Math.min(maxConnectSize, maxPacketSize);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    PacketBodies bodies = PacketBodies.forThread(serverSide);
    try {
      MqttPacket packet = decodePacket(in, bodies);
      if (packet != null) {
        out.add(packet);
      }
    } catch (DecodeException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      out.add(new DecodeError(e.reasonCode(), e.getMessage(), version, decodingConnect));
    } finally {
      bodies.reader().clear();
    }
  }

  /** One packet, or null when more bytes are needed. */
  private MqttPacket decodePacket(ByteBuf in, PacketBodies bodies) {
    int readable = in.readableBytes();
    if (readable == 0) {
      return null;
    }
    int start = in.readerIndex();
    int header = in.getUnsignedByte(start);
    // The first byte alone decides many errors; they are reported before any more bytes arrive.
    PacketType type = checkFixedHeader(header >>> 4, header & 0x0F);

    int remainingLength = 0;
    int lengthBytes = 0;
    while (true) {
      if (lengthBytes == 4) {
        throw DecodeException.malformed(
            "Remaining Length is longer than 4 bytes (3.1.1 section 2.2.3, 5.0 section 1.5.5)");
      }
      if (readable <= 1 + lengthBytes) {
        return null;
      }
      int b = in.getUnsignedByte(start + 1 + lengthBytes);
      remainingLength |= (b & 0x7F) << (7 * lengthBytes);
      lengthBytes++;
      if ((b & 0x80) == 0) {
        // The shortest-form rule is MQTT 5's; a CONNECT's version is not known yet at this point.
        if (b == 0 && lengthBytes > 1 && version == MqttVersion.V5 && !decodingConnect) {
          throw DecodeException.malformed(
              "Remaining Length is not in its shortest form [MQTT-1.5.5-1]");
        }
        break;
      }
    }

    int bodyStart = start + 1 + lengthBytes;
    int packetSize = 1 + lengthBytes + remainingLength;
    int limit = decodingConnect ? maxConnectSize() : maxPacketSize;
    if (packetSize > limit) {
      if (decodingConnect && !learnVersionOfOversizedConnect(in, bodyStart, remainingLength)) {
        return null;
      }
      throw new DecodeException(
          ReasonCode.PACKET_TOO_LARGE,
          type
              + " of "
              + packetSize
              + " bytes exceeds the maximum "
              + (limit < maxPacketSize ? "CONNECT size " : "packet size ")
              + limit);
    }
    if (readable < packetSize) {
      return null;
    }

    bodies.reader().reset(in, bodyStart, start + packetSize);
    MqttPacket packet =
        type == PacketType.CONNECT
            ? decodeConnect(bodies.reader())
            : bodies.decode(type, header & 0x0F, version);
    in.readerIndex(start + packetSize);
    return packet;
  }

  /** Checks what the first byte alone can tell: type, direction, order, and the flag bits. */
  private PacketType checkFixedHeader(int typeValue, int flags) {
    PacketType type = PacketType.fromValue(typeValue);
    // Only the first CONNECT is answered with a CONNACK; a second one is answered with DISCONNECT.
    decodingConnect = serverSide && !connectReceived && type == PacketType.CONNECT;
    MqttVersion v = version;
    if (serverSide) {
      if (!connectReceived && type != PacketType.CONNECT) {
        throw DecodeException.protocolError(
            "the first packet from a client must be CONNECT, not "
                + (type == null ? "reserved type 0" : type)
                + " [MQTT-3.1.0-1]");
      }
      if (connectReceived && type == PacketType.CONNECT) {
        throw DecodeException.protocolError("a second CONNECT [MQTT-3.1.0-2]");
      }
    } else if (v == null) {
      throw new IllegalStateException("a client-side MqttDecoder needs setVersion before input");
    }
    if (type == null) {
      throw DecodeException.malformed("reserved packet type 0 (section 2.2.1 / 2.1.2)");
    }
    switch (type) {
      case CONNACK, SUBACK, UNSUBACK, PINGRESP -> {
        if (serverSide) {
          throw DecodeException.protocolError("only a server sends " + type);
        }
      }
      case CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ -> {
        if (!serverSide) {
          throw DecodeException.protocolError("only a client sends " + type);
        }
      }
      case AUTH -> {
        if (v != MqttVersion.V5) {
          throw DecodeException.malformed("AUTH (type 15) is reserved before MQTT 5.0");
        }
      }
      default -> {}
    }
    switch (type) {
      case PUBLISH -> {
        int qos = (flags >>> 1) & 3;
        if (qos == 3) {
          throw DecodeException.malformed("PUBLISH with both QoS bits set [MQTT-3.3.1-4]");
        }
        if (qos == 0 && (flags & 0x08) != 0) {
          throw DecodeException.malformed("DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]");
        }
      }
      case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> {
        // MQTT 3.1 sent these at QoS 1 and set DUP on a retransmission; 3.1.1 fixed the bits.
        int checked = v == MqttVersion.V3_1 ? flags & 0x07 : flags;
        if (checked != 0x02) {
          throw DecodeException.malformed(type + " flags must be 0010 " + flagStatements(type));
        }
      }
      default -> {
        if (flags != 0) {
          throw DecodeException.malformed(type + " flags must be 0000 " + flagStatements(type));
        }
      }
    }
    return type;
  }

  /** The statements that fix a packet type's flag bits: the general ones and the type's own. */
  private static String flagStatements(PacketType type) {
    String general = "[MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-2.1.3-1]";
    return switch (type) {
      case PUBREL -> general + " [MQTT-3.6.1-1]";
      case SUBSCRIBE -> general + " [MQTT-3.8.1-1]";
      case UNSUBSCRIBE -> general + " [MQTT-3.10.1-1]";
      case DISCONNECT -> general + " [MQTT-3.14.1-1]";
      case AUTH -> general + " [MQTT-3.15.1-1]";
      default -> general;
    };
  }

  /**
   * Before rejecting an oversized CONNECT, learns its version from the few bytes after the fixed
   * header so that a 5.0 client gets a 5.0 CONNACK (0x95). Waits for at most 9 more bytes; never
   * for the body. Returns false while those bytes are missing.
   */
  private boolean learnVersionOfOversizedConnect(ByteBuf in, int bodyStart, int bodyLength) {
    int available = in.writerIndex() - bodyStart;
    if (bodyLength < 2) {
      return true;
    }
    if (available < 2) {
      return false;
    }
    int nameLength = in.getUnsignedShort(bodyStart);
    if (nameLength != MQTT.length && nameLength != MQISDP.length) {
      return true;
    }
    int needed = 2 + nameLength + 1;
    if (bodyLength < needed) {
      return true;
    }
    if (available < needed) {
      return false;
    }
    boolean mqtt = nameLength == MQTT.length && PacketReader.bytesEqual(in, bodyStart + 2, MQTT);
    boolean mqisdp =
        nameLength == MQISDP.length && PacketReader.bytesEqual(in, bodyStart + 2, MQISDP);
    version = supportedVersion(mqtt, mqisdp, in.getUnsignedByte(bodyStart + 2 + nameLength));
    return true;
  }

  private static MqttVersion supportedVersion(boolean mqtt, boolean mqisdp, int level) {
    if (mqtt && level == 4) {
      return MqttVersion.V3_1_1;
    }
    if (mqtt && level == 5) {
      return MqttVersion.V5;
    }
    if (mqisdp && level == 3) {
      return MqttVersion.V3_1;
    }
    return null;
  }

  private Connect decodeConnect(PacketReader r) {
    int nameLength = r.readUnsignedShort("Protocol Name");
    // Compared as bytes: a field with two legal values needs no String.
    boolean mqtt = r.nextBytesEqual(nameLength, MQTT);
    boolean mqisdp = r.nextBytesEqual(nameLength, MQISDP);
    r.skip(nameLength, "Protocol Name");
    int level = r.readUnsignedByte("Protocol Level");
    MqttVersion v = supportedVersion(mqtt, mqisdp, level);
    if (v == null) {
      if (!mqtt && !mqisdp) {
        // A level-5 client is answered in 5.0 form (CONNACK 0x84), anyone else in 3.1.1 form.
        version = level == 5 ? MqttVersion.V5 : null;
        throw new DecodeException(
            ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
            "protocol name is neither MQTT nor MQIsdp [MQTT-3.1.2-1]");
      }
      version = null;
      throw new DecodeException(
          ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
          "protocol level " + level + " is not supported [MQTT-3.1.2-2]");
    }
    version = v;
    boolean v5 = v == MqttVersion.V5;

    int flags = r.readUnsignedByte("Connect Flags");
    if ((flags & 0x01) != 0) {
      throw DecodeException.malformed("CONNECT reserved flag is set [MQTT-3.1.2-3]");
    }
    boolean cleanStart = (flags & 0x02) != 0;
    boolean willFlag = (flags & 0x04) != 0;
    int willQos = (flags >>> 3) & 0x03;
    boolean willRetain = (flags & 0x20) != 0;
    boolean passwordFlag = (flags & 0x40) != 0;
    boolean usernameFlag = (flags & 0x80) != 0;
    if (willFlag && willQos == 3) {
      throw DecodeException.malformed(
          "Will QoS is 3 " + (v5 ? "[MQTT-3.1.2-12]" : "[MQTT-3.1.2-14]"));
    }
    if (!willFlag && willQos != 0) {
      throw DecodeException.malformed(
          "Will QoS set without the Will Flag " + (v5 ? "[MQTT-3.1.2-11]" : "[MQTT-3.1.2-13]"));
    }
    if (!willFlag && willRetain) {
      throw DecodeException.malformed(
          "Will Retain set without the Will Flag " + (v5 ? "[MQTT-3.1.2-13]" : "[MQTT-3.1.2-15]"));
    }
    if (!v5 && passwordFlag && !usernameFlag) {
      throw DecodeException.malformed("Password Flag set without User Name Flag [MQTT-3.1.2-22]");
    }
    int keepAlive = r.readUnsignedShort("Keep Alive");
    MqttProperties properties = MqttProperties.EMPTY;
    if (v5) {
      properties = PropertyCodec.read(r, IN_CONNECT, false);
      if (properties.authenticationData() != null && properties.authenticationMethod() == null) {
        throw DecodeException.protocolError(
            "Authentication Data without Authentication Method (5.0 section 3.1.2.11.10)");
      }
    }

    String clientId = r.readString("Client Identifier");
    Will will = null;
    if (willFlag) {
      MqttProperties willProperties =
          v5 ? PropertyCodec.read(r, IN_WILL, false) : MqttProperties.EMPTY;
      String willTopic = r.readString("Will Topic");
      byte[] willPayload = r.readBinary("Will Payload");
      will = new Will(willTopic, willPayload, willQos, willRetain, willProperties);
    }
    String username = usernameFlag ? r.readString("User Name") : null;
    byte[] password = passwordFlag ? r.readBinary("Password") : null;
    r.requireEnd("CONNECT");

    connectReceived = true;
    return new Connect(v, clientId, cleanStart, keepAlive, username, password, will, properties);
  }
}
