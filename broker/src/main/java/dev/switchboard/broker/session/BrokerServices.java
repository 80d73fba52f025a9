package dev.switchboard.broker.session;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.TopicSpaces;

/** What sessions use of the broker around them; the broker is the one implementation. */
public interface BrokerServices {
  BrokerConfig config();

  BrokerMetrics metrics();

  /** Each hub's subscriptions and retained messages. */
  TopicSpaces spaces();

  SessionRegistry sessions();

  /** Where persistent sessions and retained messages are written; null when memory only. */
  Journal journal();

  /** Routes a message to every matching subscription; returns how many sessions it went to. */
  int publish(Message message);

  /**
   * Gives a message that came through the shared subscription {@code sharedFilterKey} ({@code
   * $share/name/filter}) to another member of the group than {@code leaving}; returns false when
   * there is none.
   */
  boolean redispatchShared(Message message, String sharedFilterKey, Session leaving);

  /** Who keeps the wills that would die with this node ({@link WillKeeper#NONE} on one node). */
  WillKeeper wills();
}
