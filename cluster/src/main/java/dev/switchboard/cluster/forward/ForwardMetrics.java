package dev.switchboard.cluster.forward;

import java.util.concurrent.atomic.LongAdder;

/**
 * What forwarding did on this node, counted; read by status, {@code $SYS}, {@code /metrics} and
 * logs.
 */
public final class ForwardMetrics {
  /** Messages handed to a destination's queue. */
  public final LongAdder queued = new LongAdder();

  /** Messages sent in batches (sending again counts in {@link #resent}). */
  public final LongAdder sent = new LongAdder();

  /** Of those, messages sent alone through the large-message channel (heavier than a batch). */
  public final LongAdder sentLarge = new LongAdder();

  /** Messages sent again because no acknowledgement came in time. */
  public final LongAdder resent = new LongAdder();

  /** Messages dropped because their destination's queue was full. */
  public final LongAdder droppedQueueFull = new LongAdder();

  /** Messages not forwarded because they are larger than a batch may be. */
  public final LongAdder droppedTooLarge = new LongAdder();

  /** Messages received from other nodes and delivered here. */
  public final LongAdder received = new LongAdder();

  /** Messages received again (a resend whose first copy had arrived) and not delivered twice. */
  public final LongAdder duplicates = new LongAdder();

  /** From sending a numbered message to its acknowledgement. */
  public final ForwardLatency latency = new ForwardLatency();
}
