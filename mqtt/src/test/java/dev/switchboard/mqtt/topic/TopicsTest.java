package dev.switchboard.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b", "/", "//", "a//b", "/a", "a/", "$SYS/x", " ", "ü/ñ"})
  @DisplayName("[MQTT-4.7.3-1] non-empty names without wildcards are valid")
  void validNames(String name) {
    assertThat(Topics.isValidName(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/+", "#", "a/#/b", "a+b", "sport#"})
  @DisplayName("[MQTT-4.7.3-1] [MQTT-3.3.2-2] empty names and names with wildcards are invalid")
  void invalidNames(String name) {
    assertThat(Topics.isValidName(name)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"#", "+", "a/#", "a/+", "+/+", "+/b/#", "/#", "a//+", "/", "$SYS/#", "a/+/c"})
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] well placed wildcards are valid filters")
  void validFilters(String filter) {
    assertThat(Topics.isValidFilter(filter)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "a#", "a/#/b", "#/a", "a+", "+a", "a/b+/c", "sport/tennis#", "##", "++"})
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] misplaced wildcards are invalid filters")
  void invalidFilters(String filter) {
    assertThat(Topics.isValidFilter(filter)).isFalse();
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "a/b, a/b, true",
    "a/b, a/c, false",
    "a/+, a/b, true",
    "a/+, a/b/c, false",
    "a/+, a/, true",
    "a/#, a, true",
    "a/#, a/b/c, true",
    "a/#, ab, false",
    "#, a/b, true",
    "+, a, true",
    "+, a/b, false",
    "+/+, /a, true",
    "/+, /a, true",
    "+, /a, false",
    "a/+/c, a/b/c, true",
    "a/+/c, a/b/d, false",
    "#, $SYS/x, false",
    "+/x, $SYS/x, false",
    "$SYS/#, $SYS/x, true",
    "$SYS/+, $SYS/x, true",
    "a/b/#, a/b, true",
    "a/b, a/b/c, false",
    "a/b/c, a/b, false",
    "sport/tennis/+, sport/tennis/player1, true",
    "sport/+, sport, false",
    "sport/#, sport, true",
  })
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.2-1] filter matching")
  void matching(String filter, String topic, boolean expected) {
    assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
  }

  @Test
  @DisplayName("[MQTT-4.8.2-1] shared subscription filters")
  void sharedSubscriptions() {
    assertThat(SharedSubscription.parse("$share/g/a/+"))
        .isEqualTo(new SharedSubscription("g", "a/+"));
    assertThat(SharedSubscription.parse("$share/g/#")).isEqualTo(new SharedSubscription("g", "#"));
    assertThat(SharedSubscription.parse("$share//a")).isNull();
    assertThat(SharedSubscription.parse("$share/g")).isNull();
    assertThat(SharedSubscription.parse("$share/g/")).isNull();
    assertThat(SharedSubscription.parse("$share/g+/a")).isNull();
    assertThat(SharedSubscription.parse("$share/g/a#")).isNull();
    assertThat(SharedSubscription.parse("a/b")).isNull();
    assertThat(SharedSubscription.isShared("$share/g/a")).isTrue();
    assertThat(SharedSubscription.isShared("$shared/g/a")).isFalse();
  }
}
