package dev.switchboard.broker.session;

import dev.switchboard.broker.Message;

/**
 * A Will Message ready to publish, and how long to wait after the connection ends.
 *
 * @param message the will, as the broker will route it
 * @param delaySeconds the Will Delay Interval (0 in 3.1.1)
 */
public record PendingWill(Message message, long delaySeconds) {}
