package dev.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * What a publishing {@link BenchClient} sends: PUBLISHes copied from its {@link PublishTemplate},
 * up to {@link #MAX_BATCH_MESSAGES} (or 64 KB) per write, at a rate (a loop's ticker calls {@link
 * #tick}) or as fast as the connection and the window of unacknowledged QoS 1/2 messages allow.
 * Everything here runs on the client's event loop.
 */
final class PublishPump {
  private static final int MAX_BATCH_BYTES = 64 * 1024;
  private static final int MAX_BATCH_MESSAGES = 256;

  private final BenchClient client;
  private final PublishTemplate template;
  private final Stats stats;

  /** Messages per second for a rated publisher; 0 for as fast as the connection takes them. */
  private final double rate;

  private final int window;

  /** The client's context, once its handler is in a pipeline. */
  private ChannelHandlerContext ctx;

  private boolean publishing;
  private long publishStartNanos;
  private long sentHere;

  /** {@link #sentHere} as other threads see it, updated once per batch. */
  private volatile long sentCount;

  private int inflight;
  private int nextPacketId;
  private final Runnable pumpTask = this::pump;
  private boolean pumpScheduled;
  private boolean windowOpened;

  /**
   * @param rate messages per second, 0 for the connection's maximum
   * @param window QoS 1/2 messages in flight before waiting for acknowledgements
   */
  PublishPump(BenchClient client, PublishTemplate template, Stats stats, double rate, int window) {
    this.client = client;
    this.template = template;
    this.stats = stats;
    this.rate = rate;
    this.window = Math.max(1, window);
  }

  void attach(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  boolean isRated() {
    return rate > 0;
  }

  long sentCount() {
    return sentCount;
  }

  /** Starts publishing; on the loop, once the client is ready. */
  void start(long startNanos) {
    publishing = true;
    publishStartNanos = startNanos;
    sentHere = 0;
    if (!isRated()) {
      pump();
    }
  }

  /** Stops publishing; messages in flight are still acknowledged. */
  void stop() {
    publishing = false;
  }

  /** For a rated publisher, called by its loop's ticker: sends what is due by now. */
  void tick(long nowNanos) {
    if (!publishing) {
      return;
    }
    long due = (long) ((nowNanos - publishStartNanos) * rate / 1e9) - sentHere;
    if (due > 0) {
      send((int) Math.min(due, 1000));
    }
  }

  /** A PUBACK or PUBCOMP arrived: one message fewer in flight. */
  void acknowledged() {
    if (inflight > 0) {
      if (inflight == window) {
        windowOpened = true;
      }
      inflight--;
    }
  }

  /** The read burst ended: a window that opened in it lets an unrated publisher go on. */
  void readComplete() {
    if (windowOpened) {
      windowOpened = false;
      if (publishing && !isRated()) {
        pump();
      }
    }
  }

  /** The connection became writable again. */
  void writable() {
    if (publishing && !isRated()) {
      schedulePump();
    }
  }

  private void schedulePump() {
    if (!pumpScheduled) {
      pumpScheduled = true;
      ctx.executor().execute(pumpTask);
    }
  }

  private void pump() {
    pumpScheduled = false;
    if (!publishing || !client.isReady()) {
      return;
    }
    int sent = send(MAX_BATCH_MESSAGES);
    if (sent == MAX_BATCH_MESSAGES && ctx.channel().isWritable()) {
      // Let the loop's other channels and its I/O run before the next batch.
      schedulePump();
    }
  }

  /**
   * Writes up to {@code max} messages while the connection and the window allow; returns how many.
   */
  private int send(int max) {
    if (!client.isReady()) {
      return 0;
    }
    int qos = template.qos();
    int size = template.encodedSize();
    int n = 0;
    ByteBuf batch = null;
    boolean wrote = false;
    while (n < max && ctx.channel().isWritable() && (qos == 0 || inflight < window)) {
      if (batch == null) {
        int messages = Math.min(max - n, Math.max(1, MAX_BATCH_BYTES / size));
        batch = ctx.alloc().ioBuffer(messages * size);
      }
      int packetId = 0;
      if (qos > 0) {
        packetId = nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
        inflight++;
      }
      template.writeTo(batch, packetId, System.nanoTime());
      n++;
      if (batch.writableBytes() < size) {
        ctx.write(batch, ctx.voidPromise());
        batch = null;
        wrote = true;
      }
    }
    if (batch != null) {
      ctx.write(batch, ctx.voidPromise());
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
      sentHere += n;
      sentCount += n;
      stats.sent.add(n);
    }
    return n;
  }
}
