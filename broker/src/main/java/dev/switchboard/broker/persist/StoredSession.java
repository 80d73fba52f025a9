package dev.switchboard.broker.persist;

/**
 * A persistent session (Session Expiry Interval above 0).
 *
 * @param clientId the client id
 * @param expirySeconds the Session Expiry Interval in seconds (0xFFFFFFFF: never)
 * @param disconnectedAtMillis wall-clock time its connection ended, or -1 while connected
 * @param will its will, or null
 */
public record StoredSession(
    String clientId, long expirySeconds, long disconnectedAtMillis, StoredWill will) {}
