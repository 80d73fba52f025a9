package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.retained.InMemoryRetainedStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The seam the cluster keeps its routes through: a hub's filters are told once when their first
 * subscriber comes and once when their last one goes, shared groups as {@code $share/g/f}, and the
 * filters an index had before the listener came are told to it first.
 */
class FilterListenerTest {
  private static final class Recording implements FilterListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void filterAdded(String hub, String filterKey) {
      events.add("+" + hub + " " + filterKey);
    }

    @Override
    public void filterRemoved(String hub, String filterKey) {
      events.add("-" + hub + " " + filterKey);
    }
  }

  @Test
  @DisplayName(
      "a filter is added with its first subscriber and removed with its last; shared groups"
          + " likewise; existing filters are told when the listener comes")
  void countsSubscribersPerFilter() {
    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    index.subscribe("s0", "/a");
    index.subscribe("s0", "x/+/y");
    index.subscribeShared("s0", "g", "x/#");
    Recording r = new Recording();
    index.watchFilters("h", r);
    assertThat(r.events).containsExactlyInAnyOrder("+h /a", "+h x/+/y", "+h $share/g/x/#");
    r.events.clear();

    index.subscribe("s1", "a/#");
    index.subscribe("s2", "a/#");
    index.subscribeShared("s1", "g", "x/#");
    index.subscribeShared("s1", "g2", "x/#");
    index.unsubscribe("s1", "a/#");
    assertThat(r.events).containsExactly("+h a/#", "+h $share/g2/x/#");
    index.unsubscribe("s2", "a/#");
    index.unsubscribeShared("s0", "g", "x/#");
    index.unsubscribeShared("s1", "g", "x/#");
    index.unsubscribe("nobody", "x/+/y");
    assertThat(r.events).containsExactly("+h a/#", "+h $share/g2/x/#", "-h a/#", "-h $share/g/x/#");
  }

  @Test
  @DisplayName("every hub's filters reach the listener, hubs made after it included")
  void everyHub() {
    TopicSpaces spaces =
        new TopicSpaces(
            new SubscriptionIndex<>(), new InMemoryRetainedStore(), InMemoryRetainedStore::new);
    Subscriber none = null;
    spaces.of("early").subscriptions().subscribe(none, "e/#");
    Recording r = new Recording();
    spaces.watchFilters(r);
    spaces.defaultSpace().subscriptions().subscribe(none, "d");
    spaces.of("late").subscriptions().subscribe(none, "l/+");
    assertThat(r.events).containsExactly("+early e/#", "+default d", "+late l/+");
  }
}
