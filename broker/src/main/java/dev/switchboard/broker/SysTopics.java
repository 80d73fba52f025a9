package dev.switchboard.broker;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.metrics.SysFigures;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The broker's figures as retained {@code $SYS/broker/...} messages, Mosquitto's names, published
 * every {@code sys.interval} to this node's subscribers only, in each hub's own topic space: a hub
 * sees its own clients, subscriptions, retained messages and messages received. The default hub
 * also sees the server-wide figures (messages sent and dropped, bytes, the maximum of clients),
 * which belong to whoever runs the server, and the figures of what is plugged in beside the engine
 * ({@link SysFigures}: the cluster's).
 */
final class SysTopics {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SysTopics.class);

  private final BrokerMetrics metrics;
  private final SessionRegistry sessions;
  private final TopicSpaces spaces;
  private final Router router;
  private final List<SysFigures> extra;
  private final long startedNanos = System.nanoTime();

  /**
   * @param extra figures published in the default hub beside the broker's; read at each round, so
   *     that sources added later are published too
   */
  SysTopics(
      BrokerMetrics metrics,
      SessionRegistry sessions,
      TopicSpaces spaces,
      Router router,
      List<SysFigures> extra) {
    this.metrics = metrics;
    this.sessions = sessions;
    this.spaces = spaces;
    this.router = router;
    this.extra = extra;
  }

  void publish() {
    List<TopicSpaces.Space> all = spaces.all();
    Map<String, long[]> clients = new HashMap<>(); // hub -> {connected, total}
    for (Session s : sessions.all()) {
      long[] c = clients.computeIfAbsent(s.hub(), h -> new long[2]);
      if (s.isOnline()) {
        c[0]++;
      }
      c[1]++;
    }
    long othersReceived = 0;
    for (TopicSpaces.Space space : all) {
      if (!space.isDefault()) {
        othersReceived += space.messagesReceived().sum();
      }
    }
    long uptime = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    for (TopicSpaces.Space space : all) {
      String hub = space.hub();
      sys(hub, "version", "switchboard version " + Broker.VERSION);
      sys(hub, "uptime", uptime + " seconds");
      long[] c = clients.getOrDefault(hub, new long[2]);
      long connected = space.isDefault() && all.size() == 1 ? metrics.clientsConnected.get() : c[0];
      long total = c[1];
      sys(hub, "clients/connected", connected);
      sys(hub, "clients/active", connected);
      sys(hub, "clients/total", total);
      sys(hub, "clients/disconnected", Math.max(0, total - connected));
      long received =
          space.isDefault()
              ? Math.max(0, metrics.messagesReceived.sum() - othersReceived)
              : space.messagesReceived().sum();
      sys(hub, "messages/received", received);
      sys(hub, "publish/messages/received", received);
      if (space.isDefault()) {
        sys(hub, "clients/maximum", metrics.clientsMaximum.get());
        sys(hub, "messages/sent", metrics.publishSent());
        sys(hub, "publish/messages/sent", metrics.publishSent());
        sys(hub, "publish/messages/dropped", metrics.publishDropped());
        sys(hub, "bytes/received", metrics.bytesReceived.sum());
        sys(hub, "bytes/sent", metrics.bytesSent.sum());
        for (SysFigures figures : extra) {
          try {
            figures.report((name, value) -> sys(hub, name, value));
          } catch (RuntimeException e) {
            // a failing source must not end the broker's own rounds (the task would stop)
            log.debug("$SYS figures of {} not published: {}", figures, e.toString());
          }
        }
      }
      sys(hub, "subscriptions/count", space.subscriptions().size());
      sys(hub, "retained messages/count", space.retained().size());
    }
  }

  private void sys(String hub, String name, Object value) {
    byte[] payload = String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    Message m =
        new Message(
            "$SYS/broker/" + name,
            payload,
            0,
            true,
            MqttProperties.EMPTY,
            null,
            Message.NEVER,
            hub);
    router.publishNodeLocal(m); // not counted as received: the broker made it
  }
}
