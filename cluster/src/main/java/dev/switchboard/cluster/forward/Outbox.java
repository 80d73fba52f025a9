package dev.switchboard.cluster.forward;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.cluster.wire.ForwarderCommand;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages waiting for one destination node: filled by event loops (never blocking), emptied by
 * that node's {@link NodeForwarder}. Bounded: past {@code bound} messages a new one is dropped and
 * counted. The forwarder is woken by one message however many were queued while it was busy. Closed
 * when the destination leaves the cluster.
 */
public final class Outbox {
  /**
   * A message on its way to the destination, with the shared groups it serves there and the
   * publisher's acknowledgement it holds until the destination has it (null when nobody waits).
   */
  record Outgoing(Message message, Set<String> sharedGroups, AcknowledgementHold hold) {}

  private final String destination;
  private final int bound;
  private final ForwardMetrics metrics;
  private final ConcurrentLinkedQueue<Outgoing> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean wakeSent = new AtomicBoolean();
  private volatile ActorRef<ForwarderCommand> forwarder;
  private volatile boolean closed;

  public Outbox(String destination, int bound, ForwardMetrics metrics) {
    this.destination = destination;
    this.bound = bound;
    this.metrics = metrics;
  }

  /** The destination node's key. */
  public String destination() {
    return destination;
  }

  /** Binds the forwarder that empties this outbox; before anything is offered. */
  void bind(ActorRef<ForwarderCommand> forwarder) {
    this.forwarder = forwarder;
  }

  /**
   * Queues {@code message}; false when the queue is full (it is dropped and counted, and {@code
   * hold} fails: the publisher must not hear that it is safe). {@code hold}, when not null, is
   * released once the destination has acknowledged the message, or has left the cluster.
   */
  public boolean offer(Message message, Set<String> sharedGroups, AcknowledgementHold hold) {
    if (size.incrementAndGet() > bound) {
      size.decrementAndGet();
      metrics.droppedQueueFull.increment();
      if (hold != null) {
        hold.fail("not forwarded to another node: its queue is full");
      }
      return false;
    }
    queue.add(new Outgoing(message, sharedGroups, hold));
    metrics.queued.increment();
    if (closed) {
      releaseAll(); // closed meanwhile: the forwarder may be gone
      return true;
    }
    if (wakeSent.compareAndSet(false, true)) {
      forwarder.tell(NodeForwarder.Wake.INSTANCE);
    }
    return true;
  }

  /**
   * The destination left the cluster: what waits here is not sent, and the acknowledgements it
   * holds are released (nobody is left to deliver it to there); so is anything offered later.
   */
  public void close() {
    closed = true;
    releaseAll();
  }

  private void releaseAll() {
    Outgoing o;
    while ((o = poll()) != null) {
      if (o.hold() != null) {
        o.hold().release();
      }
    }
  }

  /** Messages waiting. */
  public int size() {
    return size.get();
  }

  Outgoing poll() {
    Outgoing o = queue.poll();
    if (o != null) {
      size.decrementAndGet();
    }
    return o;
  }

  Outgoing peek() {
    return queue.peek();
  }

  /**
   * The forwarder is about to drain: a message offered from now on wakes it again (once), so none
   * is left waiting unseen.
   */
  void draining() {
    wakeSent.set(false);
  }

  /**
   * The forwarder stops draining until acknowledgements make room; offers need not wake it
   * meanwhile (the acknowledgement does).
   */
  void holding() {
    wakeSent.set(true);
  }
}
