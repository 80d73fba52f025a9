package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Message;
import java.util.concurrent.TimeUnit;

/**
 * A Will Message ready to publish, and how long to wait after the connection ends.
 *
 * @param message the will, as the broker will route it, without an expiry time yet
 * @param delaySeconds the Will Delay Interval (0 in 3.1.1)
 * @param messageExpirySeconds the Will's Message Expiry Interval, or -1 for none: it counts from
 *     the moment the will is published, not from the CONNECT (5.0 section 3.1.3.2.4)
 */
public record PendingWill(Message message, long delaySeconds, long messageExpirySeconds) {

  public PendingWill(Message message, long delaySeconds) {
    this(message, delaySeconds, -1);
  }

  /** The message to publish now. */
  public Message toPublish(long nowNanos) {
    if (messageExpirySeconds < 0) {
      return message;
    }
    Message m = message;
    return new Message(
        m.topic(),
        m.payload(),
        m.qos(),
        m.retain(),
        m.properties(),
        m.publisherId(),
        nowNanos + TimeUnit.SECONDS.toNanos(messageExpirySeconds));
  }
}
