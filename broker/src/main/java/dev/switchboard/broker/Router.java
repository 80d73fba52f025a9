package dev.switchboard.broker;

import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.session.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Collects the matches of one topic, one entry per session however many of its filters match. */
final class Router {
  private Router() {}

  record Matches(
      Map<Session, List<String>> sessions, List<SubscriptionIndex.SharedGroup<Session>> shared) {}

  static Matches collect(SubscriptionIndex<Session> index, String topic) {
    Map<Session, List<String>> bySession = new HashMap<>();
    List<SubscriptionIndex.SharedGroup<Session>> shared = new ArrayList<>(0);
    index.match(
        topic,
        new SubscriptionIndex.MatchSink<>() {
          @Override
          public void subscriber(Session subscriber, String filterKey) {
            List<String> keys = bySession.get(subscriber);
            if (keys == null) {
              bySession.put(subscriber, List.of(filterKey));
            } else {
              List<String> grown = new ArrayList<>(keys);
              grown.add(filterKey);
              bySession.put(subscriber, grown);
            }
          }

          @Override
          public void sharedGroup(SubscriptionIndex.SharedGroup<Session> group) {
            shared.add(group);
          }
        });
    return new Matches(bySession, shared);
  }
}
