package dev.switchboard.cluster.forward;

import java.time.Duration;

/**
 * How messages are forwarded to another node ({@code switchboard.cluster.forward}).
 *
 * @param queue messages waiting per destination node; past it a message is dropped and counted
 * @param batch messages per batch at most
 * @param maxUnacked QoS 1/2 and retained messages sent to a node and not yet acknowledged, at most
 * @param retryAfter a message not acknowledged for this long is sent again
 * @param maxBatchBytes payload and topic bytes per batch at most (Artery's frame is 256 KiB); a
 *     single message larger than this goes alone through Artery's large-message channel
 * @param maxLargeBytes payload and topic bytes of one message sent through the large-message
 *     channel at most (its frame is 2 MiB); a message larger than this is not forwarded (dropped
 *     and counted). Equal to {@code maxBatchBytes}: no message goes through that channel
 */
public record ForwardSettings(
    int queue,
    int batch,
    int maxUnacked,
    Duration retryAfter,
    int maxBatchBytes,
    int maxLargeBytes) {
  /** Below Artery's default frame (256 KiB), with room for the batch's own fields. */
  public static final int DEFAULT_MAX_BATCH_BYTES = 192 * 1024;

  /**
   * Below the large-message channel's frame ({@code maximum-large-frame-size}, 2 MiB in this
   * module's {@code reference.conf}), with room for the batch's own fields.
   */
  public static final int DEFAULT_MAX_LARGE_BYTES = 2 * 1024 * 1024 - 64 * 1024;

  /** Without the large-message channel: no message heavier than {@code maxBatchBytes} goes. */
  public ForwardSettings(
      int queue, int batch, int maxUnacked, Duration retryAfter, int maxBatchBytes) {
    this(queue, batch, maxUnacked, retryAfter, maxBatchBytes, maxBatchBytes);
  }

  public ForwardSettings {
    if (queue < 1) {
      throw new IllegalArgumentException("queue must be at least 1, not " + queue);
    }
    if (batch < 1 || batch > 10_000) {
      throw new IllegalArgumentException("batch must be from 1 to 10000, not " + batch);
    }
    if (maxUnacked < 1) {
      throw new IllegalArgumentException("max-unacked must be at least 1, not " + maxUnacked);
    }
    if (maxLargeBytes < maxBatchBytes) {
      throw new IllegalArgumentException("the largest message must not be below a batch's bytes");
    }
    if (retryAfter.toMillis() < 10) {
      throw new IllegalArgumentException("retry-after must be at least 10ms, not " + retryAfter);
    }
  }
}
