package dev.switchboard.broker.connection;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The connect timeout and the keep alive of every connection on one event loop, checked by one
 * sweep every {@link #PERIOD_MILLIS} ms rather than by a timer per connection.
 *
 * <p>A timer per connection cost each idle connection a scheduled task (64 bytes, more than a tenth
 * of what the connection itself holds), and a connection storm a heap insertion and removal in the
 * loop's timer queue per connection, among tens of thousands. A sweep costs a slot in an array and
 * a comparison per connection per period: 20,000 connections on a loop, 80,000 cheap checks a
 * second. A timeout fires up to one period late, which both rules allow: the keep alive closes a
 * connection "within one and a half times" it [MQTT-3.1.2-24].
 *
 * <p>Touched only on its loop: connections add and remove themselves there, and the sweep runs
 * there. While the loop has no connection, there is no sweep.
 */
final class ConnectionTimers {
  static final long PERIOD_MILLIS = 250;

  private final EventExecutor loop;
  private MqttConnection[] connections = new MqttConnection[64];
  private int size;
  private ScheduledFuture<?> sweep;

  ConnectionTimers(EventExecutor loop) {
    this.loop = loop;
  }

  /** Watches {@code c}'s timeouts from now on; on the loop. */
  void add(MqttConnection c) {
    if (size == connections.length) {
      connections = Arrays.copyOf(connections, size * 2);
    }
    c.timerSlot = size;
    connections[size++] = c;
    if (sweep == null) {
      sweep =
          loop.scheduleAtFixedRate(
              this::sweep, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops watching {@code c} (it closed); on the loop. Does nothing if it is not watched. */
  void remove(MqttConnection c) {
    int slot = c.timerSlot;
    if (slot < 0 || slot >= size || connections[slot] != c) {
      return;
    }
    MqttConnection last = connections[--size];
    connections[slot] = last;
    last.timerSlot = slot;
    connections[size] = null;
    c.timerSlot = -1;
    if (size == 0) {
      sweep.cancel(false);
      sweep = null;
      if (connections.length > 1024) {
        connections = new MqttConnection[64]; // a storm's array is not kept for ever
      }
    }
  }

  /** How many connections it watches (tests). */
  int size() {
    return size;
  }

  private void sweep() {
    long now = System.nanoTime();
    // From the end: a connection that closes during its check may move the last one into its
    // slot, and the last one has been checked already.
    for (int i = size - 1; i >= 0; i--) {
      if (i < size) {
        connections[i].checkTimeouts(now);
      }
    }
  }
}
