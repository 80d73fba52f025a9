package dev.switchboard.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The generator's counters. Written from the I/O threads without locks (LongAdder, HdrHistogram's
 * Recorder); read once a second by the reporter.
 */
public final class Stats {
  /** Latencies up to a minute, microseconds, three significant digits. */
  private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

  public final LongAdder connected = new LongAdder();
  public final LongAdder connectFailed = new LongAdder();
  public final LongAdder connectionLost = new LongAdder();
  public final LongAdder sent = new LongAdder();
  public final LongAdder received = new LongAdder();

  /** Connections that are open now (connected minus lost minus closed). */
  public final LongAdder open = new LongAdder();

  private final Recorder latency = new Recorder(MAX_LATENCY_MICROS, 3);
  private final Recorder connectTime = new Recorder(MAX_LATENCY_MICROS, 3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  /** Records the time from a PUBLISH's send stamp to its arrival at a subscriber. */
  public void recordLatencyNanos(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    latency.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
  }

  /** Records the time from the TCP connect to the CONNACK. */
  public void recordConnectNanos(long nanos) {
    connectTime.recordValue(Math.min(Math.max(0, nanos / 1000), MAX_LATENCY_MICROS));
  }

  /** Counts an error by its one-line description. */
  public void error(String description) {
    errors.computeIfAbsent(description, k -> new LongAdder()).increment();
  }

  public Map<String, Long> errors() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    errors.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  public long errorCount() {
    long n = 0;
    for (LongAdder a : errors.values()) {
      n += a.sum();
    }
    return n;
  }

  /** The latencies recorded since the last call (microseconds). */
  public Histogram latencyInterval(Histogram recycle) {
    return latency.getIntervalHistogram(recycle);
  }

  /** The connect times recorded since the last call (microseconds). */
  public Histogram connectInterval(Histogram recycle) {
    return connectTime.getIntervalHistogram(recycle);
  }
}
