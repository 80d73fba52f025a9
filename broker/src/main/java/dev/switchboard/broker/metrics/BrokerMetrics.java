package dev.switchboard.broker.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters. LongAdders, because every event loop bumps them on the publish path; read
 * for {@code $SYS} topics and, later, exported to Micrometer.
 */
public final class BrokerMetrics {
  public final LongAdder connectionsAccepted = new LongAdder();
  public final AtomicLong clientsConnected = new AtomicLong();
  public final AtomicLong clientsMaximum = new AtomicLong();
  public final LongAdder messagesReceived = new LongAdder();
  public final LongAdder messagesSent = new LongAdder();

  /** PUBLISH packets received from clients, by their QoS (index 0, 1, 2). */
  public final LongAdder[] publishReceivedByQos = {
    new LongAdder(), new LongAdder(), new LongAdder()
  };

  /** PUBLISH packets sent to subscribers, by their QoS (index 0, 1, 2). */
  public final LongAdder[] publishSentByQos = {new LongAdder(), new LongAdder(), new LongAdder()};

  public final LongAdder bytesReceived = new LongAdder();
  public final LongAdder bytesSent = new LongAdder();

  /** Messages dropped because a session's queue was full (QoS 0 first, then the newest). */
  public final LongAdder publishDroppedQueueFull = new LongAdder();

  /**
   * Deliveries dropped because a session's mailbox was full: its event loop was behind, with as
   * many deliveries waiting for it as the session's own bound (see {@code Session.offer}).
   */
  public final LongAdder publishDroppedMailboxFull = new LongAdder();

  /** QoS 0 messages not delivered because the subscriber was offline. */
  public final LongAdder publishDroppedOffline = new LongAdder();

  /** Messages dropped because they expired before delivery. */
  public final LongAdder publishDroppedExpired = new LongAdder();

  /** Messages not sent because they exceed the client's Maximum Packet Size. */
  public final LongAdder publishDroppedTooLarge = new LongAdder();

  /**
   * Deliveries dropped because the subscriber's {@code DeliveryBudget} (a device's quota) said so.
   */
  public final LongAdder publishDroppedQuota = new LongAdder();

  /** PUBLISHes refused by authorization. */
  public final LongAdder publishDenied = new LongAdder();

  /** PUBLISHes a publish interceptor refused (a quota, a filter). */
  public final LongAdder publishRefusedByInterceptor = new LongAdder();

  /**
   * Times a connection stopped reading from its client because the journal was at its bound (what
   * it would have read adds to the journal); it reads again once the store caught up.
   */
  public final LongAdder readsPausedForJournal = new LongAdder();

  /**
   * Messages a wildcard subscription matched but did not deliver, because an access rule keeps
   * their topic from that client.
   */
  public final LongAdder deliveriesWithheldByRule = new LongAdder();

  /**
   * Times a connection stopped reading from its client because a subscriber it publishes to had
   * more deliveries waiting for its event loop than its bound; it reads again once they are taken.
   */
  public final LongAdder readsPausedForSubscriber = new LongAdder();

  /** SUBSCRIBE and UNSUBSCRIBE requests refused: by authorization, or fixed subscriptions. */
  public final LongAdder subscribeDenied = new LongAdder();

  /** Connections closed for malformed packets or protocol errors. */
  public final LongAdder protocolErrors = new LongAdder();

  /** TLS handshakes that completed. */
  public final LongAdder tlsHandshakes = new LongAdder();

  /** TLS handshakes that failed or timed out (the connection was closed). */
  public final LongAdder tlsHandshakeFailures = new LongAdder();

  /** Connections closed on a PROXY protocol listener for a missing or malformed header. */
  public final LongAdder proxyProtocolErrors = new LongAdder();

  /** WebSocket upgrades refused: wrong path, no MQTT subprotocol, not an upgrade. */
  public final LongAdder webSocketUpgradesRefused = new LongAdder();

  /**
   * Connections closed before CONNACK because what they sent would have taken the bytes read from
   * connections not yet authenticated past {@code limits.pre-auth-budget}.
   */
  public final LongAdder preAuthBudgetExceeded = new LongAdder();

  public final LongAdder connectRefused = new LongAdder();
  public final LongAdder keepAliveTimeouts = new LongAdder();
  public final LongAdder sessionTakeovers = new LongAdder();
  public final LongAdder sessionsExpired = new LongAdder();
  public final LongAdder willsPublished = new LongAdder();

  public void clientConnected() {
    long now = clientsConnected.incrementAndGet();
    clientsMaximum.accumulateAndGet(now, Math::max);
  }

  public void clientDisconnected() {
    clientsConnected.decrementAndGet();
  }

  /** Every publish drop of every cause, for {@code $SYS/broker/publish/messages/dropped}. */
  public long publishDropped() {
    return publishDroppedQueueFull.sum()
        + publishDroppedMailboxFull.sum()
        + publishDroppedOffline.sum()
        + publishDroppedExpired.sum()
        + publishDroppedTooLarge.sum()
        + publishDroppedQuota.sum();
  }

  /** Counts a PUBLISH received at {@code qos} (one adder, as the total was before). */
  public void publishReceived(int qos) {
    publishReceivedByQos[qos == 1 || qos == 2 ? qos : 0].increment();
  }

  /** Counts a PUBLISH sent at {@code qos}. */
  public void publishSent(int qos) {
    publishSentByQos[qos == 1 || qos == 2 ? qos : 0].increment();
  }

  /** PUBLISH packets received from clients, every QoS. */
  public long publishReceived() {
    return sum(publishReceivedByQos);
  }

  /** PUBLISH packets sent to subscribers, every QoS. */
  public long publishSent() {
    return sum(publishSentByQos);
  }

  private static long sum(LongAdder[] adders) {
    long total = 0;
    for (LongAdder a : adders) {
      total += a.sum();
    }
    return total;
  }
}
