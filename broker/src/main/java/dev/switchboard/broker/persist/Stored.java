package dev.switchboard.broker.persist;

import dev.switchboard.broker.message.Message;
import java.util.concurrent.TimeUnit;

/**
 * Conversions between the broker's messages and their stored form. Expiry times are kept on the
 * wall clock in the store ({@link System#nanoTime()} means nothing after a restart). A session's
 * own objects (its will, its subscriptions) are converted in {@code session}, which imports this
 * package (not the other way round).
 */
public final class Stored {
  private Stored() {}

  public static StoredMessage message(Message m) {
    long expiresAt = 0;
    if (m.expiresAtNanos() != Message.NEVER) {
      long leftNanos = m.expiresAtNanos() - System.nanoTime();
      expiresAt =
          Math.max(1, System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(leftNanos));
    }
    return new StoredMessage(
        m.topic(),
        m.payload(),
        m.qos(),
        m.retain(),
        PropertiesBlob.encode(m.properties()),
        m.publisherId(),
        expiresAt,
        m.hub());
  }

  public static Message message(StoredMessage s) {
    long expiresAt = Message.NEVER;
    if (s.expiresAtMillis() != 0) {
      long leftMillis = s.expiresAtMillis() - System.currentTimeMillis();
      expiresAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leftMillis);
    }
    return new Message(
        s.topic(),
        s.payload(),
        s.qos(),
        s.retain(),
        PropertiesBlob.decode(s.properties()),
        s.publisherId(),
        expiresAt,
        s.hub());
  }
}
