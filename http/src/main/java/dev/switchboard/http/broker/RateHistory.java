package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.metrics.BrokerMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last hour of rates, one point every 10 seconds, for charts: per hub, messages received per
 * second and connections; for the server (the default hub's view), messages sent, dropped and bytes
 * per second too. In memory only; {@link #sample} is called by one thread (the sampler's).
 */
public final class RateHistory {
  /** Seconds between two points. */
  public static final int INTERVAL_SECONDS = 10;

  /** Points kept: an hour. */
  public static final int POINTS = 360;

  /**
   * One point.
   *
   * @param atMillis when it was taken
   * @param messagesIn messages received per second since the point before
   * @param connections connections at that moment
   * @param messagesOut server-wide: messages sent per second (null in other hubs' history)
   * @param drops server-wide: messages dropped per second
   * @param bytesIn server-wide: bytes received per second
   * @param bytesOut server-wide: bytes sent per second
   */
  public record Point(
      long atMillis,
      double messagesIn,
      long connections,
      Double messagesOut,
      Double drops,
      Double bytesIn,
      Double bytesOut) {}

  private final Broker broker;
  private final Map<String, ArrayDeque<Point>> byHub = new HashMap<>();
  private Map<String, Long> lastReceived = Map.of();
  private long[] lastServer;
  private long lastMillis;

  public RateHistory(Broker broker) {
    this.broker = broker;
  }

  /** Takes a point for every hub the broker has; forgets the history of hubs that are gone. */
  public synchronized void sample(long nowMillis) {
    HubFigures figures = HubFigures.of(broker);
    BrokerMetrics m = broker.metrics();
    long[] server = {m.publishSent(), m.publishDropped(), m.bytesReceived.sum(), m.bytesSent.sum()};
    Set<String> hubs = broker.hubs();
    if (lastMillis > 0) {
      double seconds = Math.max(0.001, (nowMillis - lastMillis) / 1000.0);
      for (String hub : hubs) {
        long received = figures.received(hub);
        double in = Math.max(0, received - lastReceived.getOrDefault(hub, received)) / seconds;
        boolean isDefault = hub.equals(broker.spaces().defaultSpace().hub());
        Point p =
            new Point(
                nowMillis,
                in,
                figures.connections(hub),
                isDefault ? (server[0] - lastServer[0]) / seconds : null,
                isDefault ? (server[1] - lastServer[1]) / seconds : null,
                isDefault ? (server[2] - lastServer[2]) / seconds : null,
                isDefault ? (server[3] - lastServer[3]) / seconds : null);
        ArrayDeque<Point> points = byHub.computeIfAbsent(hub, h -> new ArrayDeque<>());
        points.addLast(p);
        while (points.size() > POINTS) {
          points.removeFirst();
        }
      }
      byHub.keySet().retainAll(hubs);
    }
    lastReceived = new HashMap<>(figures.received());
    lastServer = server;
    lastMillis = nowMillis;
  }

  /** The hub's points, oldest first. */
  public synchronized List<Point> points(String hub) {
    ArrayDeque<Point> points = byHub.get(hub);
    return points == null ? List.of() : new ArrayList<>(points);
  }
}
