package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.Session;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each hub's figures at one moment, from the counters the broker keeps anyway ({@code $SYS}'s
 * sources): its connections and sessions (counted over the sessions), subscriptions, retained
 * messages and messages received. The default hub's messages received are the server's less the
 * other hubs' (its path counts nothing of its own).
 *
 * @param connections by hub
 * @param sessions by hub
 * @param received messages received, by hub
 */
record HubFigures(
    Map<String, Long> connections, Map<String, Long> sessions, Map<String, Long> received) {

  static HubFigures of(Broker broker) {
    Map<String, Long> connections = new HashMap<>();
    Map<String, Long> sessions = new HashMap<>();
    for (Session s : broker.sessions().all()) {
      sessions.merge(s.hub(), 1L, Long::sum);
      if (s.isOnline()) {
        connections.merge(s.hub(), 1L, Long::sum);
      }
    }
    Map<String, Long> received = new HashMap<>();
    List<TopicSpaces.Space> all = broker.spaces().all();
    long others = 0;
    for (TopicSpaces.Space space : all) {
      if (!space.isDefault()) {
        long n = space.messagesReceived().sum();
        received.put(space.hub(), n);
        others += n;
      }
    }
    received.put(
        broker.spaces().defaultSpace().hub(),
        Math.max(0, broker.metrics().messagesReceived.sum() - others));
    return new HubFigures(connections, sessions, received);
  }

  long connections(String hub) {
    return connections.getOrDefault(hub, 0L);
  }

  long sessions(String hub) {
    return sessions.getOrDefault(hub, 0L);
  }

  long received(String hub) {
    return received.getOrDefault(hub, 0L);
  }
}
