package dev.switchboard.client;

import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's current connection, if any, and its generation: each connection opened or closed
 * starts a new generation, so that what an old connection still delivers is recognised as stale.
 * Writes go out here, noting when the client last sent something (for the keep alive). Guarded by
 * the client's lock: the caller holds it, except for the {@code snapshot} methods, which take it.
 */
final class ClientChannel {
  private final ReentrantLock lock;
  private final ChannelOpener opener;
  private final WriteGate writeGate;
  private Channel channel;
  private int generation;
  private long lastSentNanos;

  ClientChannel(ReentrantLock lock, ChannelOpener opener, WriteGate writeGate) {
    this.lock = lock;
    this.opener = opener;
    this.writeGate = writeGate;
  }

  /** Opens a connection of a new generation with {@code applied}; it becomes the current one. */
  Connecting open(AppliedConfig applied) {
    Connecting attempt = new Connecting(++generation, applied.endpoint());
    channel = opener.open(attempt, applied);
    return attempt;
  }

  /** The current channel, or null. */
  Channel current() {
    return channel;
  }

  boolean isOpen() {
    return channel != null;
  }

  int generation() {
    return generation;
  }

  /** The current channel, for a caller without the lock. */
  Channel snapshot() {
    lock.lock();
    try {
      return channel;
    } finally {
      lock.unlock();
    }
  }

  /** The current generation, for a caller without the lock. */
  int snapshotGeneration() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  long lastSentNanos() {
    return lastSentNanos;
  }

  /** Writes {@code packet} when there is a connection; a failed write closes it. */
  void send(MqttPacket packet) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    lastSentNanos = System.nanoTime();
    ch.writeAndFlush(packet).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  /** Writes a DISCONNECT on the current channel, which must be there; the write, to wait for. */
  ChannelFuture sendDisconnect(Disconnect d) {
    lastSentNanos = System.nanoTime();
    return channel.writeAndFlush(d);
  }

  /**
   * Lets go of the current channel without closing it (the caller closes it, outside the lock);
   * whatever it still delivers is stale from here on.
   */
  Channel detach() {
    Channel ch = channel;
    channel = null;
    generation++;
    return ch;
  }

  /** Closes the current channel, if any, and wakes publishers waiting to write on it. */
  void close() {
    Channel ch = channel;
    channel = null;
    generation++;
    if (ch != null) {
      ch.close();
    }
    writeGate.signalWritable();
  }
}
