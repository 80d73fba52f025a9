package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.Stored;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Retained messages that new subscriptions of a session bring, still to send, in order: fed to the
 * connection as its {@link OutboundQueue} drains, ahead of the queue, so that every one goes out
 * however many match [MQTT-3.3.1-6] while memory holds only the list of what matched (the messages
 * themselves are the retained store's). Made by the queue when the first list comes, dropped once
 * all are sent. Touched only on the session's loop.
 */
final class RetainedFeeds {
  private final ArrayDeque<Feed> feeds = new ArrayDeque<>(1);

  private static final class Feed {
    final SubscriptionEntry entry;
    final List<Message> messages;
    int next;

    Feed(SubscriptionEntry entry, List<Message> messages) {
      this.entry = entry;
      this.messages = messages;
    }
  }

  /**
   * The retained messages that matched the new subscription {@code e}, to send after the others.
   */
  void add(SubscriptionEntry e, List<Message> messages) {
    feeds.addLast(new Feed(e, messages));
  }

  /**
   * Sends retained messages while the connection takes them: it is writable, and {@code out}'s
   * in-flight window has room for a QoS 1/2 one. Returns whether all are sent.
   */
  boolean feed(OutboundQueue out, SessionConnection conn) {
    Session session = out.session();
    while (!feeds.isEmpty()) {
      Feed f = feeds.peekFirst();
      if (f.next == f.messages.size()) {
        feeds.pollFirst();
        continue;
      }
      if (!conn.isWritable() || out.holding()) {
        return false;
      }
      Message m = f.messages.get(f.next);
      int qos = Math.min(m.qos(), f.entry.qos());
      if (qos > 0 && !out.hasRoom(conn)) {
        return false;
      }
      f.next++;
      Outbound o = copy(session, m, f.entry);
      if (o == null) {
        continue;
      }
      if (m.isExpired(System.nanoTime())) {
        session.broker().metrics().publishDroppedExpired.increment();
        session.countDrop();
        out.forget(o);
      } else if (o.qos == 0) {
        out.send(conn, o);
      } else {
        out.window().send(conn, o);
      }
    }
    return true;
  }

  /**
   * The copy of a retained message for the new subscription {@code e}, stored first when the
   * session keeps it; null when an access rule keeps its topic from the subscription.
   */
  private static Outbound copy(Session session, Message message, SubscriptionEntry e) {
    if (!e.delivers(message.topic())) {
      session.broker().metrics().deliveriesWithheldByRule.increment();
      return null;
    }
    int qos = Math.min(message.qos(), e.qos());
    int[] ids = e.subscriptionId() != 0 ? new int[] {e.subscriptionId()} : OutboundQueue.NO_IDS;
    Outbound o = new Outbound(message, qos, true, ids, null);
    if (qos > 0 && session.isPersistent() && !session.isEnded()) {
      // Stored as published at the granted QoS with RETAIN set, through its subscription
      Message copy = message.qos() == qos ? message.withRetain(true) : atQos(message, qos);
      Journal journal = session.broker().journal();
      o.seq = journal.nextSeq();
      journal.append(
          new Change.PutMessage(
              QueuedMessage.queued(
                  session.hub(),
                  session.clientId(),
                  o.seq,
                  Stored.message(copy),
                  List.of(e.filterKey()),
                  false)));
    }
    return o;
  }

  private static Message atQos(Message m, int qos) {
    return new Message(
        m.topic(), m.payload(), qos, true, m.properties(), m.publisherId(), m.expiresAtNanos());
  }
}
