package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Hubs;
import java.util.List;

/**
 * A QoS 1/2 message for a persistent session, queued or in flight, keyed by (hub, clientId, seq).
 *
 * @param clientId the session it is for
 * @param seq broker-wide increasing number: a session's messages are delivered in seq order
 * @param message the message
 * @param filterKeys the session's subscriptions it matched (one, the shared one, when shared)
 * @param shared whether it came through a shared subscription
 * @param packetId the packet id it was sent with, 0 while queued
 * @param phase {@link #QUEUED}, {@link #AWAITING_PUBACK}, {@link #AWAITING_PUBREC} or {@link
 *     #AWAITING_PUBCOMP}
 * @param hub the session's hub
 */
public record QueuedMessage(
    String clientId,
    long seq,
    StoredMessage message,
    List<String> filterKeys,
    boolean shared,
    int packetId,
    int phase,
    String hub) {

  public static final int QUEUED = 0;
  public static final int AWAITING_PUBACK = 1;
  public static final int AWAITING_PUBREC = 2;
  public static final int AWAITING_PUBCOMP = 3;

  public QueuedMessage {
    hub = hub == null ? Hubs.DEFAULT : hub;
  }

  /** A message for a session of the default hub. */
  public QueuedMessage(
      String clientId,
      long seq,
      StoredMessage message,
      List<String> filterKeys,
      boolean shared,
      int packetId,
      int phase) {
    this(clientId, seq, message, filterKeys, shared, packetId, phase, Hubs.DEFAULT);
  }

  /** A copy just given to a session of the default hub: not sent yet, no packet id. */
  public static QueuedMessage queued(
      String clientId, long seq, StoredMessage message, List<String> filterKeys, boolean shared) {
    return new QueuedMessage(clientId, seq, message, filterKeys, shared, 0, QUEUED);
  }

  /** A copy just given to a session of {@code hub}: not sent yet, no packet id. */
  public static QueuedMessage queued(
      String hub,
      String clientId,
      long seq,
      StoredMessage message,
      List<String> filterKeys,
      boolean shared) {
    return new QueuedMessage(clientId, seq, message, filterKeys, shared, 0, QUEUED, hub);
  }

  public QueuedMessage withState(int newPacketId, int newPhase) {
    return new QueuedMessage(
        clientId, seq, message, filterKeys, shared, newPacketId, newPhase, hub);
  }
}
