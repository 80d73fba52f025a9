package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {

  private static Set<String> match(SubscriptionIndex<String> index, String topic) {
    Set<String> out = new HashSet<>();
    index.match(
        topic,
        new SubscriptionIndex.MatchSink<>() {
          @Override
          public void subscriber(String subscriber, String filterKey) {
            out.add(subscriber + " " + filterKey);
          }

          @Override
          public void sharedGroup(SubscriptionIndex.SharedGroup<String> group) {
            out.add("shared " + group.filterKey() + " " + group.members());
          }
        });
    return out;
  }

  @Test
  @DisplayName(
      "[MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.2-1] the trie agrees with Topics.matches on random filters and topics")
  void agreesWithTheReferenceMatcher() {
    Random random = new Random(42);
    String[] levels = {"a", "b", "c", "", "$SYS"};
    List<String> filters = new ArrayList<>();
    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    for (int i = 0; i < 400; i++) {
      StringBuilder f = new StringBuilder();
      int n = 1 + random.nextInt(4);
      for (int l = 0; l < n; l++) {
        if (l > 0) {
          f.append('/');
        }
        int pick = random.nextInt(levels.length + 2);
        if (pick == levels.length) {
          f.append('+');
        } else if (pick == levels.length + 1 && l == n - 1) {
          f.append('#');
        } else {
          f.append(levels[pick % levels.length]);
        }
      }
      String filter = f.toString();
      if (Topics.isValidFilter(filter)) {
        filters.add(filter);
        index.subscribe("s" + i, filter);
      }
    }
    for (int t = 0; t < 2000; t++) {
      StringBuilder topic = new StringBuilder();
      int n = 1 + random.nextInt(4);
      for (int l = 0; l < n; l++) {
        if (l > 0) {
          topic.append('/');
        }
        topic.append(levels[random.nextInt(levels.length)]);
      }
      String name = topic.toString();
      Set<String> expected = new HashSet<>();
      index.match(
          name,
          new SubscriptionIndex.MatchSink<>() {
            @Override
            public void subscriber(String subscriber, String filterKey) {
              assertThat(Topics.matches(filterKey, name)).as(filterKey + " vs " + name).isTrue();
              expected.add(subscriber);
            }

            @Override
            public void sharedGroup(SubscriptionIndex.SharedGroup<String> group) {}
          });
      long reference = filters.stream().filter(f -> Topics.matches(f, name)).count();
      assertThat(expected).as("matches of " + name).hasSize((int) reference);
    }
  }

  @Test
  void unsubscribeRemovesAndPrunes() {
    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    assertThat(index.subscribe("s1", "a/b/c")).isTrue();
    assertThat(index.subscribe("s1", "a/b/c")).isFalse();
    assertThat(index.subscribe("s2", "a/+/c")).isTrue();
    assertThat(index.size()).isEqualTo(2);
    assertThat(match(index, "a/b/c")).containsExactlyInAnyOrder("s1 a/b/c", "s2 a/+/c");
    assertThat(index.unsubscribe("s1", "a/b/c")).isTrue();
    assertThat(index.unsubscribe("s1", "a/b/c")).isFalse();
    assertThat(match(index, "a/b/c")).containsExactly("s2 a/+/c");
    assertThat(index.unsubscribe("s2", "a/+/c")).isTrue();
    assertThat(index.size()).isZero();
    assertThat(match(index, "a/b/c")).isEmpty();
    // pruned nodes can be created again
    assertThat(index.subscribe("s3", "a/b/c")).isTrue();
    assertThat(match(index, "a/b/c")).containsExactly("s3 a/b/c");
  }

  @Test
  @DisplayName("[MQTT-4.8.2-2] a shared group is matched once, with all its members")
  void sharedGroups() {
    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    index.subscribeShared("m1", "g", "t/#");
    index.subscribeShared("m2", "g", "t/#");
    index.subscribeShared("m3", "h", "t/#");
    assertThat(match(index, "t/x"))
        .containsExactlyInAnyOrder("shared $share/g/t/# [m1, m2]", "shared $share/h/t/# [m3]");
    assertThat(index.sharedGroup("g", "t/#").members()).containsExactly("m1", "m2");
    index.unsubscribeShared("m1", "g", "t/#");
    index.unsubscribeShared("m3", "h", "t/#");
    assertThat(match(index, "t/x")).containsExactly("shared $share/g/t/# [m2]");
    assertThat(index.sharedGroup("h", "t/#")).isNull();
    assertThat(index.size()).isEqualTo(1);
  }
}
