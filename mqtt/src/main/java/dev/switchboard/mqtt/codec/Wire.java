package dev.switchboard.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** The encoding side of MQTT's data representations (3.1.1 section 1.5, 5.0 section 1.5). */
final class Wire {
  /** The largest value a Variable Byte Integer holds, so the largest Remaining Length. */
  static final int MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

  private static final int MAX_TWO_BYTE_LENGTH = 65_535;

  private Wire() {}

  static int variableByteIntegerSize(int value) {
    if (value < 0 || value > MAX_VARIABLE_BYTE_INTEGER) {
      throw new IllegalArgumentException("Variable Byte Integer out of range: " + value);
    }
    if (value < 128) {
      return 1;
    }
    if (value < 16_384) {
      return 2;
    }
    if (value < 2_097_152) {
      return 3;
    }
    return 4;
  }

  static void writeVariableByteInteger(ByteBuf out, int value) {
    do {
      int digit = value & 0x7F;
      value >>>= 7;
      out.writeByte(value > 0 ? digit | 0x80 : digit);
    } while (value > 0);
  }

  /** Length prefix plus UTF-8 bytes; rejects strings the two-byte length cannot describe. */
  static int stringSize(String value) {
    int length = ByteBufUtil.utf8Bytes(value);
    if (length > MAX_TWO_BYTE_LENGTH) {
      throw new IllegalArgumentException(
          "string of " + length + " UTF-8 bytes exceeds 65,535: " + value.substring(0, 32) + "...");
    }
    return 2 + length;
  }

  /**
   * Reserves exactly the UTF-8 length: {@code ByteBufUtil.writeUtf8} alone reserves three bytes per
   * char, which would grow (reallocate and copy) a buffer allocated at the packet's exact size.
   */
  static void writeString(ByteBuf out, String value) {
    writeString(out, value, ByteBufUtil.utf8Bytes(value));
  }

  /** For a caller that has measured {@code utf8Length} already. */
  static void writeString(ByteBuf out, String value, int utf8Length) {
    out.writeShort(utf8Length);
    ByteBufUtil.reserveAndWriteUtf8(out, value, utf8Length);
  }

  static int binarySize(byte[] value) {
    if (value.length > MAX_TWO_BYTE_LENGTH) {
      throw new IllegalArgumentException(
          "binary data of " + value.length + " bytes exceeds 65,535");
    }
    return 2 + value.length;
  }

  static void writeBinary(ByteBuf out, byte[] value) {
    out.writeShort(value.length);
    out.writeBytes(value);
  }
}
