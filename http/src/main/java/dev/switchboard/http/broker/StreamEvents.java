package dev.switchboard.http.broker;

import dev.switchboard.broker.message.Message;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The events of the messages the live streams carry, each encoded at most once for all the streams
 * (a 1,000 msg/s topic read by 1,000 streams is a million events a second, one encoding a message).
 * The router offers one message to every matching stream in a row, on the publisher's thread, so
 * the streams' queues take one shared {@link Event} per message, found in a few slots keyed by the
 * message's identity; the first stream to write it encodes it. A stream far behind the others still
 * finds the encoding in the event it holds (a cache keyed by the message at write time would miss
 * for it, and re-encoding for every late stream made being late costlier still).
 */
final class StreamEvents {
  /** One message, and its event once a stream has encoded it. */
  static final class Event {
    private final Message message;
    private volatile byte[] encoded;

    Event(Message message) {
      this.message = message;
    }

    Message message() {
      return message;
    }

    /**
     * The event's bytes, encoded by {@code encoder} if no stream has yet (two streams racing both
     * encode, to the same bytes).
     */
    byte[] bytes(Function<Message, byte[]> encoder) {
      byte[] b = encoded;
      if (b == null) {
        b = encoder.apply(message);
        encoded = b;
      }
      return b;
    }
  }

  private final AtomicReferenceArray<Event> recent = new AtomicReferenceArray<>(64);

  /**
   * The shared event of {@code message}: the one made for it by the stream offered it before, or a
   * new one (two messages in one slot at once only cost an encoding more).
   */
  Event of(Message message) {
    int slot = (System.identityHashCode(message) & 0x7fffffff) % recent.length();
    Event known = recent.get(slot);
    if (known != null && known.message == message) {
      return known;
    }
    Event event = new Event(message);
    recent.set(slot, event);
    return event;
  }
}
