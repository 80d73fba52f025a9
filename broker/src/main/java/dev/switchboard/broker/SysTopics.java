package dev.switchboard.broker;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.retained.RetainedStore;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The broker's figures as retained {@code $SYS/broker/...} messages, Mosquitto's names, published
 * every {@code sys.interval} to this node's subscribers only.
 */
final class SysTopics {
  private final BrokerMetrics metrics;
  private final SessionRegistry sessions;
  private final SubscriptionIndex<Subscriber> subscriptions;
  private final RetainedStore retained;
  private final Router router;
  private final long startedNanos = System.nanoTime();

  SysTopics(
      BrokerMetrics metrics,
      SessionRegistry sessions,
      SubscriptionIndex<Subscriber> subscriptions,
      RetainedStore retained,
      Router router) {
    this.metrics = metrics;
    this.sessions = sessions;
    this.subscriptions = subscriptions;
    this.retained = retained;
    this.router = router;
  }

  void publish() {
    long uptime = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    sys("version", "switchboard version " + Broker.VERSION);
    sys("uptime", uptime + " seconds");
    long connected = metrics.clientsConnected.get();
    long total = sessions.size();
    sys("clients/connected", connected);
    sys("clients/active", connected);
    sys("clients/total", total);
    sys("clients/disconnected", Math.max(0, total - connected));
    sys("clients/maximum", metrics.clientsMaximum.get());
    sys("messages/received", metrics.messagesReceived.sum());
    sys("messages/sent", metrics.publishSent.sum());
    sys("publish/messages/received", metrics.publishReceived.sum());
    sys("publish/messages/sent", metrics.publishSent.sum());
    sys("publish/messages/dropped", metrics.publishDropped());
    sys("bytes/received", metrics.bytesReceived.sum());
    sys("bytes/sent", metrics.bytesSent.sum());
    sys("subscriptions/count", subscriptions.size());
    sys("retained messages/count", retained.size());
  }

  private void sys(String name, Object value) {
    byte[] payload = String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    Message m =
        new Message(
            "$SYS/broker/" + name, payload, 0, true, MqttProperties.EMPTY, null, Message.NEVER);
    router.publishNodeLocal(m); // not counted as received: the broker made it
  }
}
