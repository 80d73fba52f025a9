package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Message;

/**
 * A message on its way to one session: queued, or in flight with a packet id. Owned by the
 * session's event loop.
 */
public final class Outbound {
  /** Where a QoS 1/2 message is in its acknowledgement flow. */
  public enum Phase {
    QUEUED,
    AWAITING_PUBACK,
    AWAITING_PUBREC,
    AWAITING_PUBCOMP
  }

  final Message message;
  final int qos;
  final boolean retain;
  final int[] subscriptionIds;

  /** Set when the message came through a shared subscription, so it can go to another member. */
  final SubscriptionEntry sharedVia;

  int packetId;
  Phase phase = Phase.QUEUED;

  /** In flight from an earlier connection and not yet re-sent on the current one. */
  boolean resendPending;

  /** Its number in the store, or 0 when it is not stored (QoS 0, or a session kept in memory). */
  long seq;

  /**
   * A stored QoS 2 message whose packet id is being committed: it is sent once that is done, so
   * that a restart re-sends it with the id the client may already hold as received.
   */
  boolean commitPending;

  /** Given a packet id but not written to any connection yet. */
  boolean unsent;

  Outbound(
      Message message,
      int qos,
      boolean retain,
      int[] subscriptionIds,
      SubscriptionEntry sharedVia) {
    this.message = message;
    this.qos = qos;
    this.retain = retain;
    this.subscriptionIds = subscriptionIds;
    this.sharedVia = sharedVia;
  }

  public Message message() {
    return message;
  }

  public int qos() {
    return qos;
  }

  public boolean retain() {
    return retain;
  }

  public int[] subscriptionIds() {
    return subscriptionIds;
  }

  public int packetId() {
    return packetId;
  }

  public Phase phase() {
    return phase;
  }

  /** The phase as {@link dev.switchboard.broker.persist.QueuedMessage} numbers it. */
  int storedPhase() {
    return phase.ordinal();
  }
}
