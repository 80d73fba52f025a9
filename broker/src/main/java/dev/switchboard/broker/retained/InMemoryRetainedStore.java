package dev.switchboard.broker.retained;

import dev.switchboard.broker.message.Message;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained messages in a concurrent map. A filter without wildcards is one lookup; a wildcard
 * filter scans the map, which is fine for the thousands of retained topics a lab or small fleet
 * has.
 */
public final class InMemoryRetainedStore implements RetainedStore {
  private final ConcurrentHashMap<String, Message> messages = new ConcurrentHashMap<>();

  @Override
  public void put(Message message) {
    messages.put(message.topic(), message);
  }

  @Override
  public void remove(String topic) {
    messages.remove(topic);
  }

  @Override
  public List<Message> match(String filter) {
    long now = System.nanoTime();
    if (!Topics.hasWildcard(filter)) {
      Message m = messages.get(filter);
      if (m == null) {
        return List.of();
      }
      if (m.isExpired(now)) {
        messages.remove(filter, m);
        return List.of();
      }
      return List.of(m);
    }
    List<Message> out = new ArrayList<>();
    for (Message m : messages.values()) {
      if (Topics.matches(filter, m.topic())) {
        if (m.isExpired(now)) {
          messages.remove(m.topic(), m);
        } else {
          out.add(m);
        }
      }
    }
    return out;
  }

  @Override
  public List<String> removeExpired() {
    long now = System.nanoTime();
    List<String> gone = new ArrayList<>();
    for (Message m : messages.values()) {
      if (m.isExpired(now) && messages.remove(m.topic(), m)) {
        gone.add(m.topic());
      }
    }
    return gone;
  }

  @Override
  public int size() {
    return messages.size();
  }
}
