package dev.switchboard.broker.persist;

/**
 * A session's Will Message.
 *
 * @param message the will as it will be published (its expiresAtMillis is 0: the expiry counts from
 *     publication, see messageExpirySeconds)
 * @param delaySeconds the Will Delay Interval
 * @param messageExpirySeconds the will's Message Expiry Interval, or -1 for none
 */
public record StoredWill(StoredMessage message, long delaySeconds, long messageExpirySeconds) {}
