package dev.switchboard.broker.transport;

import dev.switchboard.broker.metrics.BrokerMetrics;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes that connections not yet past CONNACK have made the broker read, all of them together,
 * against one bound ({@code limits.pre-auth-budget}). Anyone can open connections and send a large
 * first packet slowly; what the broker buffers for them (the MQTT decoder's partial CONNECT, TLS
 * records, WebSocket frames, the packets held while authentication runs) is bounded by this budget
 * rather than by the number of connections times the largest packet.
 *
 * <p>Each connection's {@link PreAuthMeter} charges every read against it and gives back all it
 * charged once the connection is connected or closed. Counting what was read rather than what is
 * still buffered keeps it to one counter update per read, and never counts less than what is held.
 * Shared by every listener of a broker, updated from every event loop.
 */
public final class PreAuthBudget {
  private static final Logger log = LoggerFactory.getLogger(PreAuthBudget.class);

  /** One warning per this interval at most: under attack every refused connection would log. */
  private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final long limit;
  private final BrokerMetrics metrics;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong nextWarningNanos;

  /**
   * @param limit the bytes all unauthenticated connections together may have had read; above 0
   */
  public PreAuthBudget(long limit, BrokerMetrics metrics) {
    if (limit <= 0) {
      throw new IllegalArgumentException("a pre-authentication budget must be above 0: " + limit);
    }
    this.limit = limit;
    this.metrics = metrics;
    this.nextWarningNanos = new AtomicLong(System.nanoTime());
  }

  /** A meter for one new connection: the first handler of its pipeline. */
  public PreAuthMeter newMeter() {
    return new PreAuthMeter(this);
  }

  /**
   * Charges {@code bytes}; false, charging nothing, when they would take the total past the bound.
   */
  boolean tryCharge(long bytes) {
    while (true) {
      long now = used.get();
      long after = now + bytes;
      if (after > limit) {
        return false;
      }
      if (used.compareAndSet(now, after)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Counts a connection closed for the budget, and says so in the log now and then. */
  void refused(Channel channel, long wanted) {
    metrics.preAuthBudgetExceeded.increment();
    long now = System.nanoTime();
    long next = nextWarningNanos.get();
    if (now - next >= 0 && nextWarningNanos.compareAndSet(next, now + WARNING_INTERVAL_NANOS)) {
      log.warn(
          "{}: closed before authentication: its {} bytes would take the bytes read from"
              + " unauthenticated connections past limits.pre-auth-budget ({} bytes, {} in use);"
              + " {} connections closed for it so far (logged at most every 10 s)",
          ChannelInfo.remoteAddress(channel),
          wanted,
          limit,
          used.get(),
          metrics.preAuthBudgetExceeded.sum());
    }
  }
}
