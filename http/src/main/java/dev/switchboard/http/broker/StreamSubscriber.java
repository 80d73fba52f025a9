package dev.switchboard.http.broker;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.Subscriber;
import io.netty.util.internal.PlatformDependent;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A live HTTP stream as a subscriber of its hub's {@code SubscriptionIndex}: the designed seam (a
 * publish reaches it only while it is subscribed, and only when its filter matches, so a publish
 * with no stream open costs nothing). Publishers hand it messages on their own loops into a bounded
 * lock-free queue; the stream's one reader (its request's virtual thread) takes them. When the
 * queue is full the message is dropped for this stream only and counted; the publisher is never
 * held back by a slow reader, and the server's memory never grows with one.
 */
final class StreamSubscriber implements Subscriber {
  private final String id;
  private final String hub;
  private final StreamEvents events;
  private final Queue<StreamEvents.Event> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread reader;
  private volatile boolean waiting;

  /**
   * @param capacity messages held for the reader at most (rounded up to a power of two)
   * @param reader the one thread that calls {@link #next}
   * @param events where the events of a message are shared with the other streams
   */
  StreamSubscriber(String id, String hub, int capacity, Thread reader, StreamEvents events) {
    this.id = id;
    this.hub = hub;
    this.events = events;
    this.queue = PlatformDependent.newFixedMpscQueue(Math.max(2, capacity));
    this.reader = reader;
  }

  @Override
  public String clientId() {
    return id;
  }

  @Override
  public String hub() {
    return hub;
  }

  @Override
  public boolean isOnline() {
    return true;
  }

  @Override
  public boolean isPersistent() {
    return false;
  }

  @Override
  public boolean offer(Message message, List<String> filterKeys, long storedSeq) {
    if (queue.offer(events.of(message))) {
      if (waiting) {
        LockSupport.unpark(reader);
      }
    } else {
      dropped.incrementAndGet();
    }
    return false; // never pauses a publisher
  }

  @Override
  public boolean offerShared(Message message, String filterKey, long storedSeq) {
    return offer(message, List.of(filterKey), storedSeq);
  }

  @Override
  public void whenRoom(Runnable resume) {
    resume.run();
  }

  /** The next message's event if one is waiting, else null. Reader only. */
  StreamEvents.Event poll() {
    return queue.poll();
  }

  /**
   * The next message's event, waiting up to {@code timeout} for one; null when none came. Reader
   * only.
   */
  StreamEvents.Event next(long timeout, TimeUnit unit) {
    StreamEvents.Event m = queue.poll();
    if (m != null) {
      return m;
    }
    waiting = true;
    try {
      m = queue.poll(); // one offered between the poll and the flag would not unpark us
      if (m == null) {
        LockSupport.parkNanos(this, unit.toNanos(timeout));
        m = queue.poll();
      }
    } finally {
      waiting = false;
    }
    return m;
  }

  /** Messages dropped so far because the reader was behind. */
  long dropped() {
    return dropped.get();
  }
}
