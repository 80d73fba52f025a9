package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.message.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One collector per thread, emptied between routes; a route inside a route gets its own. */
class MatchCollectorTest {
  private record Sub(String clientId) implements Subscriber {
    @Override
    public String hub() {
      return "default";
    }

    @Override
    public boolean isOnline() {
      return true;
    }

    @Override
    public boolean isPersistent() {
      return false;
    }

    @Override
    public boolean offer(Message message, List<String> filterKeys, long storedSeq) {
      return false;
    }

    @Override
    public boolean offerShared(Message message, String filterKey, long storedSeq) {
      return false;
    }

    @Override
    public void whenRoom(Runnable resume) {
      resume.run();
    }
  }

  @Test
  void aReleasedCollectorServesTheNextRouteEmptyAndANestedRouteGetsItsOwn() {
    SubscriptionIndex<Subscriber> index = new SubscriptionIndex<>();
    Sub a = new Sub("a");
    Sub b = new Sub("b");
    index.subscribe(a, "t/#");
    index.subscribe(a, "t/1");
    index.subscribe(b, "t/+");

    MatchCollector first = MatchCollector.collect(index, "t/1");
    assertThat(first.size()).isEqualTo(2);
    MatchCollector nested = MatchCollector.collect(index, "t/2");
    assertThat(nested).as("a route inside a route").isNotSameAs(first);
    assertThat(first.size()).as("the outer route's matches are untouched").isEqualTo(2);
    List<String> keysOfA =
        first.session(0) == a ? first.filterKeys(0) : first.filterKeys(1); // a matched twice
    assertThat(keysOfA).containsExactlyInAnyOrder("t/#", "t/1");
    nested.release();
    first.release();

    MatchCollector next = MatchCollector.collect(index, "u/1");
    assertThat(next).as("the thread's collector, reused").isSameAs(first);
    assertThat(next.size()).as("nothing left of the last route").isZero();
    assertThat(next.shared()).isEmpty();
    assertThat(keysOfA).as("keys handed out stay").containsExactlyInAnyOrder("t/#", "t/1");
    next.release();
  }
}
