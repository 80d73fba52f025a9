package dev.switchboard.cluster.forward;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * How long forwarded messages took: from sending a numbered message (QoS 1/2 or retained) to
 * another node until that node's acknowledgement came back. Recorded by every destination's
 * forwarder (each on its own thread), read by status, {@code $SYS} and {@code /metrics}.
 *
 * <p>Count, sum and maximum are kept since the node started (a timer's figures). The percentiles
 * are over a recent window, between one and two {@link #WINDOW}s long, from two sets of buckets
 * that take turns: a quarter of an octave each (so a percentile is at most 25 % above the true
 * value), from 1 µs to about 69 s. No lock and no allocation per message.
 */
public final class ForwardLatency {
  /** How long one set of buckets collects before the older one is cleared and reused. */
  public static final long WINDOW = TimeUnit.MINUTES.toNanos(1);

  private static final int STEPS_PER_OCTAVE = 4;
  private static final int FIRST_OCTAVE = 10;
  private static final int BUCKETS = 1 + 26 * STEPS_PER_OCTAVE; // up to 2^36 ns: about 69 s

  private final LongSupplier clock;
  private final LongAdder count = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();
  private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
  private final AtomicLongArray[] windows = {
    new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)
  };

  /** The number of windows begun: the current one is {@code windows[epoch % 2]}. */
  private final AtomicLong epoch = new AtomicLong();

  private final AtomicLong windowStart;

  public ForwardLatency() {
    this(System::nanoTime);
  }

  /** With {@code clock} (nanoseconds) telling when a window is over: tests move it. */
  ForwardLatency(LongSupplier clock) {
    this.clock = clock;
    this.windowStart = new AtomicLong(clock.getAsLong());
  }

  /** One message acknowledged {@code nanos} after it was sent. */
  public void record(long nanos) {
    long n = Math.max(0, nanos);
    count.increment();
    sumNanos.add(n);
    maxNanos.accumulate(n);
    rotateIfDue();
    windows[(int) (epoch.get() & 1)].incrementAndGet(bucketOf(n));
  }

  /** Messages acknowledged since the node started. */
  public long count() {
    return count.sum();
  }

  /** Their latencies added up, in nanoseconds. */
  public long sumNanos() {
    return sumNanos.sum();
  }

  /** The longest, in nanoseconds. */
  public long maxNanos() {
    return maxNanos.get();
  }

  /**
   * The {@code q} quantile (0.5, 0.99) of the recent window in nanoseconds, as its bucket's upper
   * bound (or the longest latency seen, when that is less); 0 when nothing was recorded in it.
   */
  public long quantileNanos(double q) {
    rotateIfDue();
    long[] merged = new long[BUCKETS];
    long total = 0;
    for (AtomicLongArray w : windows) {
      for (int i = 0; i < BUCKETS; i++) {
        long c = w.get(i);
        merged[i] += c;
        total += c;
      }
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += merged[i];
      if (seen >= rank) {
        return Math.min(upperBoundNanos(i), maxNanos()); // never above the longest seen
      }
    }
    return maxNanos();
  }

  /**
   * Starts a new window once the current one is {@link #WINDOW} old: the older set of buckets is
   * cleared and collects from now on, so the two together always cover the last one to two windows.
   * Whoever sees the time first does it; a message recorded during the change may land in either
   * window.
   */
  private void rotateIfDue() {
    long start = windowStart.get();
    long now = clock.getAsLong();
    if (now - start >= WINDOW && windowStart.compareAndSet(start, now)) {
      AtomicLongArray older = windows[(int) ((epoch.get() + 1) & 1)];
      for (int i = 0; i < BUCKETS; i++) {
        older.set(i, 0);
      }
      epoch.incrementAndGet();
    }
  }

  /** Bucket 0 holds everything under 2^10 ns (about 1 µs); then quarter octaves of nanoseconds. */
  static int bucketOf(long nanos) {
    if (nanos < 1L << FIRST_OCTAVE) {
      return 0;
    }
    // the leading bit gives the octave, the two bits after it the quarter
    int octave = 63 - Long.numberOfLeadingZeros(nanos);
    int quarter = (int) ((nanos << 2 >>> octave) & 3);
    return (int) Math.min(BUCKETS - 1, 1L + (octave - FIRST_OCTAVE) * STEPS_PER_OCTAVE + quarter);
  }

  /** The least latency above every one {@code bucket} holds. */
  static long upperBoundNanos(int bucket) {
    if (bucket == 0) {
      return 1L << FIRST_OCTAVE;
    }
    int octave = (bucket - 1) / STEPS_PER_OCTAVE + FIRST_OCTAVE;
    int quarter = (bucket - 1) % STEPS_PER_OCTAVE;
    // the bucket holds [2^octave * (4 + quarter) / 4, 2^octave * (5 + quarter) / 4)
    return (1L << octave) / 4 * (5 + quarter);
  }
}
