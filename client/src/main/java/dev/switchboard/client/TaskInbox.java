package dev.switchboard.client;

import io.netty.channel.Channel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the task thread has to do, in order: what the network threads read (packets, the transport
 * coming up, the connection closing), the callers' commands and custom events. It counts the
 * inbound items queued, so that a connection stops reading while the task is behind. It takes no
 * lock: it is all the network threads share with the task.
 */
final class TaskInbox {
  /** Inbound packets queued for the task above which the connection stops reading. */
  private static final int INBOUND_HIGH = 512;

  private static final int INBOUND_LOW = 128;

  /** Something a connection delivered; stale once {@code generation} is not the current one. */
  record Inbound(int generation, Object what) {}

  /** The connection's transport (TCP, TLS, WebSocket) is up: time for the CONNECT. */
  record TransportUp() {}

  /** The connection closed, for {@code cause} or none known. */
  record Closed(Throwable cause) {}

  /** An event from {@link MqttClient#dispatchCustomEvent}. */
  record UserEvent(MqttEvent event) {}

  enum Command {
    WAKE,
    DISCONNECT,
    RECONNECT,
    STOP
  }

  private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final AtomicInteger inboundQueued = new AtomicInteger();
  private final AtomicBoolean wakePending = new AtomicBoolean();

  /** Empties the inbox for a new start. */
  void clear() {
    items.clear();
    wakePending.set(false);
  }

  void add(Command command) {
    items.add(command);
  }

  void add(UserEvent event) {
    items.add(event);
  }

  /** One WAKE in the task's queue at most, however many calls ask for it. */
  void wake() {
    if (wakePending.compareAndSet(false, true)) {
      items.add(Command.WAKE);
    }
  }

  /** From a network thread: what connection {@code generation} delivered. */
  void fromNetwork(int generation, Object what) {
    inboundQueued.incrementAndGet();
    items.add(new Inbound(generation, what));
  }

  /** Whether so much inbound is queued that the connection should stop reading. */
  boolean isBehind() {
    return inboundQueued.get() >= INBOUND_HIGH;
  }

  /**
   * The task took an inbound item; when it has caught up, {@code channel}'s connection reads again.
   */
  void inboundDone(ClientChannel channel) {
    int left = inboundQueued.decrementAndGet();
    if (left == INBOUND_LOW) {
      Channel ch = channel.snapshot();
      if (ch != null) {
        ch.config().setAutoRead(true);
      }
    }
  }

  /**
   * The next item for the task, waiting at most {@code waitNanos} (not at all when it is not
   * positive, without end when it is {@code Long.MAX_VALUE}); null when none came.
   */
  Object next(long waitNanos) throws InterruptedException {
    Object item =
        waitNanos == Long.MAX_VALUE
            ? items.take()
            : waitNanos > 0 ? items.poll(waitNanos, TimeUnit.NANOSECONDS) : items.poll();
    if (item == Command.WAKE) {
      wakePending.set(false);
    }
    return item;
  }
}
