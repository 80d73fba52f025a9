package dev.switchboard.client;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a publishing thread waits while the connection's send buffer is full. The network threads
 * never take the client's lock; they signal writability through this one.
 */
final class WriteGate {
  private final ReentrantLock gate = new ReentrantLock();
  private final Condition writable = gate.newCondition();

  /**
   * Waits, outside the client's lock, while {@code ch}'s send buffer is full; at most {@code
   * timeoutNanos}. Returns at once when there is no channel or it is writable.
   */
  void awaitWritable(Channel ch, long timeoutNanos) {
    if (ch == null || ch.isWritable()) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    gate.lock();
    try {
      while (ch.isActive() && !ch.isWritable()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        writable.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      gate.unlock();
    }
  }

  /** Wakes the waiting publishers: the channel became writable, or closed. */
  void signalWritable() {
    gate.lock();
    try {
      writable.signalAll();
    } finally {
      gate.unlock();
    }
  }
}
