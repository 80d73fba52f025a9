package dev.switchboard.broker.auth;

/**
 * What a client may still receive, charged for every message handed to its session (a quota on
 * deliveries, MyQttHub's "relayed messages count too"). An authenticator puts one in the client's
 * {@link Principal}; the broker keeps it with the session while the client's connection is
 * attached, and charges it on the session's event loop each time a routed message is handed to the
 * session, before it is queued or sent. A principal without one (null) costs the delivery path
 * nothing but a null check.
 *
 * <p>Called from the event loops of every session that uses it at once (one device may have several
 * sessions: an MQTT connection and an HTTP login): thread-safe, non-blocking and, since it runs for
 * every delivery, without allocation.
 */
public interface DeliveryBudget {
  /** The delivery goes on. */
  int ADMIT = 0;

  /** The delivery is dropped and counted as a drop of the session. */
  int DROP = 1;

  /**
   * The delivery is dropped and counted, and the session's connection is ended: DISCONNECT Quota
   * exceeded (0x97) in 5.0, closed in 3.1.x.
   */
  int DISCONNECT = 2;

  /**
   * Charges one delivery of a message of {@code payloadBytes} bytes; returns {@link #ADMIT}, {@link
   * #DROP} or {@link #DISCONNECT}. A refused delivery is not charged.
   */
  int chargeDelivery(int payloadBytes);
}
