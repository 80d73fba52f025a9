package dev.switchboard.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogSafeTest {

  @Test
  void plainTextIsReturnedAsItIs() {
    String id = "sensor-42/kitchen";
    assertThat(LogSafe.text(id)).isSameAs(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"café", "日本語", "emoji 😀 here", "ü/ñ", "tab-free \\n literal", " "})
  void printableUnicodeAndBackslashesAreLeftAlone(String value) {
    assertThat(LogSafe.text(value)).isEqualTo(value);
  }

  @ParameterizedTest(name = "U+{0}")
  @CsvSource({
    "000A, \\n",
    "000D, \\r",
    "0009, \\t",
    "0000, \\u0000",
    "0001, \\u0001",
    "001B, \\u001B",
    "001F, \\u001F",
    "007F, \\u007F",
    "0080, \\u0080",
    "0085, \\u0085",
    "009F, \\u009F",
    "2028, \\u2028",
    "2029, \\u2029",
    "202A, \\u202A",
    "202E, \\u202E",
    "2066, \\u2066",
    "2069, \\u2069"
  })
  void controlCharactersAreEscaped(String codePoint, String escaped) {
    char c = (char) Integer.parseInt(codePoint, 16);
    assertThat(LogSafe.text("a" + c + "b")).isEqualTo("a" + escaped + "b");
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(strings = {"0020", "007E", "00A0", "00E9", "2027", "202F", "2065", "206A"})
  void theirNeighboursAreNot(String codePoint) {
    String value = "a" + (char) Integer.parseInt(codePoint, 16) + "b";
    assertThat(LogSafe.text(value)).isEqualTo(value);
  }

  @Test
  void aForgedLogLineStaysOnItsLine() {
    String forged = "dev1\n2026-01-01 00:00:00.000 INFO  Broker: admin logged in\r\n";
    String safe = LogSafe.text(forged);
    assertThat(safe).doesNotContain("\n", "\r");
    assertThat(safe)
        .isEqualTo("dev1\\n2026-01-01 00:00:00.000 INFO  Broker: admin logged in\\r\\n");
  }

  @Test
  void nullIsTheWordNull() {
    assertThat(LogSafe.text(null)).isEqualTo("null");
  }

  @Test
  void aValueAtTheBoundIsKeptWhole() {
    String value = "x".repeat(LogSafe.MAX_CHARS);
    assertThat(LogSafe.text(value)).isSameAs(value);
  }

  @Test
  void aLongerValueIsCutToTheBoundWithAMarker() {
    String safe = LogSafe.text("x".repeat(100_000));
    assertThat(safe).hasSize(LogSafe.MAX_CHARS).endsWith("...");
    assertThat(safe).startsWith("x".repeat(LogSafe.MAX_CHARS - 3));
  }

  @Test
  void escapesCountTowardsTheBound() {
    String safe = LogSafe.text("\n".repeat(LogSafe.MAX_CHARS));
    assertThat(safe).hasSizeLessThanOrEqualTo(LogSafe.MAX_CHARS).endsWith("...");
    assertThat(safe.substring(0, safe.length() - 3)).matches("(\\\\n)+");
  }

  @Test
  void aValueThatFitsOnlyOnceEscapedIsNotCut() {
    // 10 characters escaped into 12, and 15 into 16: under a bound of 16 neither needs a marker
    assertThat(LogSafe.text("ab\n\ncdefgh", 16)).isEqualTo("ab\\n\\ncdefgh");
    assertThat(LogSafe.text("abcdefghijklmn\n", 16)).isEqualTo("abcdefghijklmn\\n");
  }

  @Test
  void aCutNeverSplitsAnEscape() {
    for (int prefix = 0; prefix < 12; prefix++) {
      String safe = LogSafe.text("a".repeat(prefix) + "\u0001".repeat(10), 16);
      assertThat(safe).hasSizeLessThanOrEqualTo(16).endsWith("...");
      String kept = safe.substring(0, safe.length() - 3);
      assertThat(kept).as("prefix %d", prefix).matches("a*(\\\\u0001)*");
    }
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    for (int prefix = 0; prefix < 8; prefix++) {
      String safe = LogSafe.text("a".repeat(prefix) + "😀".repeat(10), 10);
      String kept = safe.substring(0, safe.length() - 3);
      assertThat(kept.codePoints()).as("prefix %d", prefix).doesNotContain(0xD83D);
      assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"plain", "a\nb", "back\\slash\\n", "\u0085\u2028\u202E", "😀\r\n😀", "\t\t\t"})
  void escapingTwiceChangesNothing(String value) {
    String once = LogSafe.text(value);
    assertThat(LogSafe.text(once)).isEqualTo(once);
    String cut = LogSafe.text(value.repeat(200));
    assertThat(LogSafe.text(cut)).isEqualTo(cut);
  }

  @Test
  void aBoundTooSmallForTheMarkerIsRefused() {
    assertThatThrownBy(() -> LogSafe.text("abc", 3)).isInstanceOf(IllegalArgumentException.class);
  }
}
