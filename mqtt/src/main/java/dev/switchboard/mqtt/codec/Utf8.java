package dev.switchboard.mqtt.codec;

import io.netty.buffer.ByteBuf;

/**
 * Strict UTF-8 well-formedness as MQTT requires it (3.1.1 section 1.5.3, 5.0 section 1.5.4): the
 * byte sequences of RFC 3629 only, so no overlong forms, no encoded surrogates U+D800..U+DFFF,
 * nothing above U+10FFFF, and additionally no U+0000. The JDK's decoders replace bad input instead
 * of rejecting it, which is why this exists.
 */
final class Utf8 {
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LOW_BITS = 0x0101010101010101L;

  private Utf8() {}

  /**
   * True when {@code length} bytes of {@code buf} from {@code index} are well-formed MQTT UTF-8.
   */
  static boolean isWellFormed(ByteBuf buf, int index, int length) {
    int i = index;
    int end = index + length;
    // Topic names, client ids and most property strings are ASCII: check them 8 bytes at a time.
    while (end - i >= Long.BYTES) {
      long word = buf.getLong(i);
      if ((word & HIGH_BITS) != 0 || hasZeroByte(word)) {
        break;
      }
      i += Long.BYTES;
    }
    while (i < end) {
      int b = buf.getByte(i) & 0xFF;
      if (b < 0x80) {
        if (b == 0) {
          return false;
        }
        i++;
        continue;
      }
      if (b < 0xC2) {
        // 0x80..0xBF: a continuation byte cannot start a character; 0xC0, 0xC1: always overlong.
        return false;
      }
      if (b < 0xE0) {
        if (end - i < 2 || !isContinuation(buf.getByte(i + 1))) {
          return false;
        }
        i += 2;
      } else if (b < 0xF0) {
        if (end - i < 3) {
          return false;
        }
        int b1 = buf.getByte(i + 1) & 0xFF;
        // E0 needs A0..BF (else overlong); ED needs 80..9F (else a surrogate).
        int min = b == 0xE0 ? 0xA0 : 0x80;
        int max = b == 0xED ? 0x9F : 0xBF;
        if (b1 < min || b1 > max || !isContinuation(buf.getByte(i + 2))) {
          return false;
        }
        i += 3;
      } else if (b < 0xF5) {
        if (end - i < 4) {
          return false;
        }
        int b1 = buf.getByte(i + 1) & 0xFF;
        // F0 needs 90..BF (else overlong); F4 needs 80..8F (else above U+10FFFF).
        int min = b == 0xF0 ? 0x90 : 0x80;
        int max = b == 0xF4 ? 0x8F : 0xBF;
        if (b1 < min
            || b1 > max
            || !isContinuation(buf.getByte(i + 2))
            || !isContinuation(buf.getByte(i + 3))) {
          return false;
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /** Exact for words whose bytes are all below 0x80, which is the only way it is called. */
  private static boolean hasZeroByte(long word) {
    return ((word - LOW_BITS) & ~word & HIGH_BITS) != 0;
  }
}
