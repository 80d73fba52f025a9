package dev.switchboard.hub.acl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFiltersTest {

  @ParameterizedTest(name = "rule {0} covers {1}: {2}; intersects: {3}")
  @CsvSource({
    "a/#,     a/+/b,    true,  true",
    "a/#,     a,        true,  true",
    "a/#,     a/#,      true,  true",
    "a/+,     a/#,      false, true",
    "a/+,     a/b,      true,  true",
    "a/+,     a/b/c,    false, false",
    "a/+,     a,        false, false",
    "a/b,     a/+,      false, true",
    "a/b,     a/c,      false, false",
    "a/b,     a/b,      true,  true",
    "#,       a/b/c,    true,  true",
    "#,       +/+,      true,  true",
    "#,       $SYS/x,   false, false",
    "#,       $SYS/#,   false, false",
    "+/x,     $SYS/x,   false, false",
    "$SYS/#,  $SYS/x,   true,  true",
    "$SYS/#,  #,        false, false",
    "+/b,     a/+,      false, true",
    "+/+,     a/b,      true,  true",
    "a,       a/#,      false, true",
    "a//b,    a/+/b,    false, true",
    "a/+/b,   a//b,     true,  true",
    "+,       a/b,      false, false",
    "a/b/#,   a/+/#,    false, true",
    "a/+/#,   a/b/#,    true,  true",
    "+/#,     #,        true,  true",
    "a/+/#,   a/#,      false, true"
  })
  @DisplayName("covers and intersects on hand-picked pairs")
  void pairs(String rule, String filter, boolean covers, boolean intersects) {
    assertThat(TopicFilters.covers(rule, filter)).isEqualTo(covers);
    assertThat(TopicFilters.intersects(rule, filter)).isEqualTo(intersects);
    assertThat(TopicFilters.intersects(filter, rule)).isEqualTo(intersects);
  }

  /**
   * Every filter of up to three levels over {a, $s, "", +, #} against every other, checked against
   * the definitions on every topic of up to four levels over {a, $s, z, ""} ("z" stands for any
   * level no filter names; one level deeper than any filter tells '#' from the rest).
   */
  @Test
  @DisplayName(
      "covers and intersects agree with their definitions over a small exhaustive universe")
  void exhaustive() {
    List<String> filters = new ArrayList<>();
    levels(List.of("a", "$s", "", "+", "#"), 3, "", filters);
    filters.removeIf(f -> !Topics.isValidFilter(f));
    List<String> topics = new ArrayList<>();
    levels(List.of("a", "$s", "z", ""), 4, "", topics);

    int checked = 0;
    for (String r : filters) {
      for (String f : filters) {
        boolean covered = true;
        boolean met = false;
        for (String t : topics) {
          boolean inF = Topics.matches(f, t);
          boolean inR = Topics.matches(r, t);
          covered &= !inF || inR;
          met |= inF && inR;
        }
        assertThat(TopicFilters.covers(r, f)).as("%s covers %s", r, f).isEqualTo(covered);
        assertThat(TopicFilters.intersects(r, f)).as("%s intersects %s", r, f).isEqualTo(met);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10_000);
  }

  private static void levels(List<String> alphabet, int depth, String prefix, List<String> out) {
    for (String level : alphabet) {
      String s = prefix + level;
      out.add(s);
      if (depth > 1) {
        levels(alphabet, depth - 1, s + "/", out);
      }
    }
  }
}
