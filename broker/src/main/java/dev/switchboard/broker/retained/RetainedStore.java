package dev.switchboard.broker.retained;

import dev.switchboard.broker.message.Message;
import java.util.List;

/** Where retained messages live. Thread-safe: called from every event loop. */
public interface RetainedStore {

  /** Sets or replaces the retained message of its topic. */
  void put(Message message);

  /** Clears the retained message of a topic (a retained PUBLISH with an empty payload). */
  void remove(String topic);

  /** The retained messages whose topics match a (non-shared) filter, expired ones left out. */
  List<Message> match(String filter);

  int size();

  /** Removes the messages that have expired and returns their topics. */
  List<String> removeExpired();
}
