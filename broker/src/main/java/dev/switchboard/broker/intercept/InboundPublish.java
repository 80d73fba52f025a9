package dev.switchboard.broker.intercept;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * A PUBLISH on its way through the interceptors: who sent it, and the message as the interceptors
 * before this one left it. Belongs to the publisher's event loop; not for keeping.
 */
public final class InboundPublish {
  private final ClientIdentity publisher;
  private Message message;
  private List<Message> copies;
  private List<Change> changes;

  InboundPublish(ClientIdentity publisher, Message message) {
    this.publisher = publisher;
    this.message = message;
  }

  /** The authenticated client that published, with its principal (and so its hub). */
  public ClientIdentity publisher() {
    return publisher;
  }

  /** The message as published, or as an earlier interceptor replaced it. */
  public Message message() {
    return message;
  }

  /**
   * Publishes {@code copy} too, after the message itself, as coming from the same publisher: it
   * goes through routing (retained store, subscribers, route targets) but not through the
   * interceptors again, and it does not change the publisher's acknowledgement.
   *
   * @throws IllegalArgumentException when its topic is not a valid topic name
   */
  public void copy(Message copy) {
    if (!Topics.isValidName(copy.topic())) {
      throw new IllegalArgumentException("not a valid topic name: " + copy.topic());
    }
    if (copies == null) {
      copies = new ArrayList<>(1);
    }
    copies.add(copy.inHub(message.hub())); // a copy stays in its publisher's hub
  }

  /**
   * Stores {@code change} with this PUBLISH: for QoS 1 and 2 in the publisher's unit, so that the
   * acknowledgement (with strict durability) waits for its commit and what was acknowledged is
   * stored; for QoS 0 appended to the journal on its own. Dropped when the broker has no store, and
   * when the message is refused by a later interceptor.
   */
  public void commitWith(Change change) {
    if (changes == null) {
      changes = new ArrayList<>(1);
    }
    changes.add(change);
  }

  void replace(Message replacement) {
    this.message = replacement;
  }

  List<Message> copies() {
    return copies == null ? List.of() : copies;
  }

  List<Change> changes() {
    return changes == null ? List.of() : changes;
  }
}
