package dev.switchboard.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte builders and channels for codec tests. Input goes in as pooled direct buffers because those
 * are the ones Netty's leak detector tracks (unpooled heap buffers are not tracked at all).
 */
final class CodecTestSupport {
  static final int MAX = 1 << 20;
  static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  private CodecTestSupport() {}

  // ---------------------------------------------------------------------------------------------
  // Channels

  /** A server-side decoder that has not seen a CONNECT yet. */
  static EmbeddedChannel server() {
    return new EmbeddedChannel(new MqttDecoder(true, MAX));
  }

  /** A server-side decoder that has already accepted a CONNECT of {@code version}. */
  static EmbeddedChannel server(MqttVersion version) {
    EmbeddedChannel channel = server();
    Object connect = decode(channel, encode(minimalConnect(version), version));
    assertThat(connect).isInstanceOf(Connect.class);
    return channel;
  }

  static EmbeddedChannel client(MqttVersion version) {
    MqttDecoder decoder = new MqttDecoder(false, MAX);
    decoder.setVersion(version);
    return new EmbeddedChannel(decoder);
  }

  static Connect minimalConnect(MqttVersion version) {
    return new Connect(version, "c1", true, 60, null, null, null, MqttProperties.EMPTY);
  }

  static ByteBuf buffer(byte[] bytes) {
    ByteBuf buf = ALLOC.directBuffer(Math.max(bytes.length, 1));
    return buf.writeBytes(bytes);
  }

  /** Writes {@code bytes} in one piece and returns the one message that came out. */
  static Object decode(EmbeddedChannel channel, byte[] bytes) {
    channel.writeInbound(buffer(bytes));
    Object message = channel.readInbound();
    assertThat(message).as("one message decoded").isNotNull();
    assertThat((Object) channel.readInbound()).as("only one message decoded").isNull();
    return message;
  }

  /** Writes {@code bytes} one byte at a time and returns everything that came out. */
  static List<Object> decodeByteAtATime(EmbeddedChannel channel, byte[] bytes) {
    return decodeByteAtATime(channel, bytes, Integer.MAX_VALUE);
  }

  /** The first {@code singleBytes} bytes one at a time, the rest in pieces of 4096. */
  static List<Object> decodeByteAtATime(EmbeddedChannel channel, byte[] bytes, int singleBytes) {
    int i = 0;
    while (i < bytes.length) {
      int n = i < singleBytes ? 1 : Math.min(4096, bytes.length - i);
      channel.writeInbound(buffer(java.util.Arrays.copyOfRange(bytes, i, i + n)));
      i += n;
    }
    return drain(channel);
  }

  static List<Object> drain(EmbeddedChannel channel) {
    List<Object> messages = new ArrayList<>();
    for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
      messages.add(m);
    }
    return messages;
  }

  static DecodeError decodeError(EmbeddedChannel channel, byte[] bytes) {
    Object message = decode(channel, bytes);
    assertThat(message).isInstanceOf(DecodeError.class);
    return (DecodeError) message;
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding

  static byte[] encode(MqttPacket packet, MqttVersion version) {
    ByteBuf buf = MqttCodec.encode(ALLOC, packet, version);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Raw bytes

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A packet: first byte, Remaining Length computed from the body, body. */
  static byte[] packet(int firstByte, byte[]... body) {
    byte[] content = concat(body);
    return concat(bytes(firstByte), variableByteInteger(content.length), content);
  }

  static byte[] variableByteInteger(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    do {
      int digit = value & 0x7F;
      value >>>= 7;
      out.write(value > 0 ? digit | 0x80 : digit);
    } while (value > 0);
    return out.toByteArray();
  }

  /** A UTF-8 Encoded String field. */
  static byte[] string(String value) {
    return rawString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A string field with exactly these bytes, well-formed or not. */
  static byte[] rawString(byte[] content) {
    return concat(u16(content.length), content);
  }

  static byte[] u16(int value) {
    return bytes(value >>> 8, value);
  }

  static byte[] u32(long value) {
    return bytes((int) (value >>> 24), (int) (value >>> 16), (int) (value >>> 8), (int) value);
  }

  /** A property block: Property Length, then the properties. */
  static byte[] properties(byte[]... properties) {
    byte[] content = concat(properties);
    return concat(variableByteInteger(content.length), content);
  }

  static byte[] noProperties() {
    return bytes(0);
  }

  /** CONNECT variable header for {@code version} with the given flags and keep alive 60. */
  static byte[] connectHeader(MqttVersion version, int flags) {
    return concat(string(version.protocolName()), bytes(version.level(), flags), u16(60));
  }
}
