package dev.switchboard.mqtt.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one packet body from the decoder's cumulation buffer without copying it.
 * Every read is checked against {@link #limit()}, the end of the packet (or of the property block
 * being read), so a length field that claims more than the packet holds is reported as malformed
 * before anything is allocated for it. One instance is reused for all packets of a connection.
 */
final class PacketReader {
  private ByteBuf buf;
  private int position;
  private int limit;

  void reset(ByteBuf buf, int start, int end) {
    this.buf = buf;
    this.position = start;
    this.limit = end;
  }

  /** Drops the reference to the cumulation buffer so it is not kept reachable between packets. */
  void clear() {
    this.buf = null;
  }

  int position() {
    return position;
  }

  int limit() {
    return limit;
  }

  void limit(int newLimit) {
    this.limit = newLimit;
  }

  int remaining() {
    return limit - position;
  }

  boolean hasRemaining() {
    return position < limit;
  }

  int readUnsignedByte(String field) {
    require(1, field);
    return buf.getUnsignedByte(position++);
  }

  int readUnsignedShort(String field) {
    require(2, field);
    int value = buf.getUnsignedShort(position);
    position += 2;
    return value;
  }

  long readUnsignedInt(String field) {
    require(4, field);
    long value = buf.getUnsignedInt(position);
    position += 4;
    return value;
  }

  /**
   * A Variable Byte Integer (5.0 section 1.5.5) of at most four bytes, in its shortest form as
   * [MQTT-1.5.5-1] requires.
   */
  int readVariableByteInteger(String field) {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int b = readUnsignedByte(field);
      value |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw DecodeException.malformed(field + " is not in its shortest form [MQTT-1.5.5-1]");
        }
        return value;
      }
    }
    throw DecodeException.malformed(field + " is a Variable Byte Integer longer than 4 bytes");
  }

  /**
   * A UTF-8 Encoded String: two-byte length, then well-formed UTF-8 without U+0000 ([MQTT-1.5.3-1],
   * [MQTT-1.5.3-2] in 3.1.1; [MQTT-1.5.4-1], [MQTT-1.5.4-2] in 5.0).
   */
  String readString(String field) {
    int length = readUnsignedShort(field);
    require(length, field);
    if (length == 0) {
      return "";
    }
    if (!Utf8.isWellFormed(buf, position, length)) {
      throw DecodeException.malformed(
          field
              + " is not well-formed UTF-8 or contains U+0000"
              + " [MQTT-1.5.3-1] [MQTT-1.5.3-2] [MQTT-1.5.4-1] [MQTT-1.5.4-2]");
    }
    String value = buf.toString(position, length, StandardCharsets.UTF_8);
    position += length;
    return value;
  }

  /** Binary Data: two-byte length, then that many bytes, copied once. */
  byte[] readBinary(String field) {
    int length = readUnsignedShort(field);
    return readBytes(length, field);
  }

  /** Everything up to the limit, copied once (a PUBLISH payload). */
  byte[] readRest() {
    return readBytes(remaining(), "payload");
  }

  private byte[] readBytes(int length, String field) {
    require(length, field);
    byte[] bytes = new byte[length];
    buf.getBytes(position, bytes);
    position += length;
    return bytes;
  }

  /** Skips {@code length} bytes that were checked some other way. */
  void skip(int length, String field) {
    require(length, field);
    position += length;
  }

  /** True when the next {@code length} bytes are exactly {@code expected}; does not advance. */
  boolean nextBytesEqual(int length, byte[] expected) {
    return length == expected.length
        && remaining() >= length
        && bytesEqual(buf, position, expected);
  }

  static boolean bytesEqual(ByteBuf buf, int index, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (buf.getByte(index + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** Fails when the packet has bytes left that no field accounts for. */
  void requireEnd(String packet) {
    if (position != limit) {
      throw DecodeException.malformed(
          packet + " has " + (limit - position) + " bytes after its last field");
    }
  }

  private void require(int length, String field) {
    if (limit - position < length) {
      throw DecodeException.malformed(field + " runs past the end of the packet");
    }
  }
}
