package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Message;
import java.util.List;

/**
 * A copy of a message on its way to a session from another loop, waiting in the session's mailbox:
 * one object per hand-over (not a lambda and a wrapper), which the mailbox counts by its message's
 * weight.
 */
final class Delivery implements Runnable {
  private final Session session;
  final Message message;

  /** The matching filter keys: a {@code List<String>}, or the one shared filter key. */
  private final Object keys;

  final long storedSeq;
  private final boolean shared;

  private Delivery(Session session, Message message, Object keys, long storedSeq, boolean shared) {
    this.session = session;
    this.message = message;
    this.keys = keys;
    this.storedSeq = storedSeq;
    this.shared = shared;
  }

  static Delivery of(Session session, Message message, List<String> filterKeys, long storedSeq) {
    return new Delivery(session, message, filterKeys, storedSeq, false);
  }

  static Delivery shared(Session session, Message message, String filterKey, long storedSeq) {
    return new Delivery(session, message, filterKey, storedSeq, true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void run() {
    if (shared) {
      session.deliverShared(message, (String) keys, storedSeq);
    } else {
      session.deliver(message, (List<String>) keys, storedSeq);
    }
  }
}
