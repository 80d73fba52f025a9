package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Hubs;

/**
 * A persistent session (Session Expiry Interval above 0).
 *
 * @param clientId the client id
 * @param expirySeconds the Session Expiry Interval in seconds (0xFFFFFFFF: never)
 * @param disconnectedAtMillis wall-clock time its connection ended, or -1 while connected
 * @param will its will, or null
 * @param hub the hub it belongs to: with the client id, its key
 */
public record StoredSession(
    String clientId, long expirySeconds, long disconnectedAtMillis, StoredWill will, String hub) {

  public StoredSession {
    hub = hub == null ? Hubs.DEFAULT : hub;
  }

  /** A session of the default hub. */
  public StoredSession(
      String clientId, long expirySeconds, long disconnectedAtMillis, StoredWill will) {
    this(clientId, expirySeconds, disconnectedAtMillis, will, Hubs.DEFAULT);
  }
}
