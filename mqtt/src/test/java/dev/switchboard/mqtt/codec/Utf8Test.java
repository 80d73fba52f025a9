package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.CodecTestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict UTF-8 validator behind [MQTT-1.5.3-1] / [MQTT-1.5.4-1] and U+0000 rules. */
class Utf8Test {

  private static boolean wellFormed(byte[] bytes) {
    // Offset inside a larger buffer, so that index arithmetic is exercised too.
    ByteBuf buf = Unpooled.buffer(bytes.length + 6);
    try {
      buf.writeBytes(new byte[] {'x', 'x', 'x'})
          .writeBytes(bytes)
          .writeBytes(new byte[] {'y', 'y', 'y'});
      return Utf8.isWellFormed(buf, 3, bytes.length);
    } finally {
      buf.release();
    }
  }

  private static byte[] hex(String hex) {
    return io.netty.buffer.ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "a",
        "sensors/room-1/temperature",
        "exactly8",
        "a longer ASCII string crossing several eight-byte words",
        "é",
        "température/°C",
        "日本語のトピック",
        "\uD83D\uDE00 emoji",
        "\uFFFF non-character (allowed: SHOULD NOT, not MUST NOT)",
        "\u0001 control character (allowed)",
        "\uFEFF BOM is a valid character"
      })
  @DisplayName("well-formed strings, including non-characters and controls, are accepted")
  void acceptsWellFormed(String s) {
    assertThat(wellFormed(s.getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "7F",
        "C2 80",
        "DF BF",
        "E0 A0 80",
        "ED 9F BF",
        "EE 80 80",
        "EF BF BF",
        "F0 90 80 80",
        "F4 8F BF BF"
      })
  @DisplayName("the boundaries of each sequence length are accepted")
  void acceptsBoundaries(String hex) {
    assertThat(wellFormed(hex(hex))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"00", "61 00 62", "61 62 63 64 65 66 67 00", "00 61 62 63 64 65 66 67 68"})
  @DisplayName("[MQTT-1.5.3-2] U+0000 is rejected, also inside an eight-byte ASCII word")
  void rejectsNull(String hex) {
    assertThat(wellFormed(hex(hex))).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"C0 AF", "C1 BF", "E0 80 AF", "E0 9F BF", "F0 80 80 AF", "F0 8F BF BF", "C0 80"})
  @DisplayName(
      "[MQTT-1.5.3-1] overlong encodings are rejected (including the modified-UTF-8 U+0000)")
  void rejectsOverlong(String hex) {
    assertThat(wellFormed(hex(hex))).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ED A0 80", "ED AF BF", "ED B0 80", "ED BF BF", "ED A0 BD ED B8 80"})
  @DisplayName("[MQTT-1.5.3-1] encoded surrogates U+D800..U+DFFF are rejected")
  void rejectsSurrogates(String hex) {
    assertThat(wellFormed(hex(hex))).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "80",
        "BF",
        "61 80",
        "C2",
        "E6 97",
        "F0 9F 98",
        "C2 41",
        "E6 41 41",
        "F0 9F 41 80",
        "F4 90 80 80",
        "F5 80 80 80",
        "F8 88 80 80 80",
        "FE",
        "FF"
      })
  @DisplayName(
      "[MQTT-1.5.3-1] stray, truncated, interrupted and out-of-range sequences are rejected")
  void rejectsIllFormed(String hex) {
    assertThat(wellFormed(hex(hex))).isFalse();
  }

  @Test
  @DisplayName("a sequence cut by the end of the field is rejected even when the buffer goes on")
  void respectsTheFieldEnd() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("61 E6 97 A5"));
    assertThat(Utf8.isWellFormed(buf, 0, 4)).isTrue();
    assertThat(Utf8.isWellFormed(buf, 0, 3)).isFalse();
    assertThat(Utf8.isWellFormed(buf, 0, 1)).isTrue();
  }

  @Test
  @DisplayName("every code point the JDK encodes is accepted, except U+0000 and the surrogates")
  void agreesWithTheJdkOnAllCodePoints() {
    ByteBuf buf = Unpooled.buffer(4);
    java.util.List<String> disagreements = new java.util.ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        continue;
      }
      byte[] encoded = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      buf.clear().writeBytes(encoded);
      if (Utf8.isWellFormed(buf, 0, encoded.length) != (cp != 0)) {
        disagreements.add(String.format("U+%04X", cp));
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(wellFormed(bytes(0xF4, 0x90, 0x80, 0x80))).as("U+110000").isFalse();
  }
}
