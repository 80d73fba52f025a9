package dev.switchboard.cluster.forward;

import java.util.TreeSet;

/**
 * Which numbered messages of one origin's stream have arrived: every number up to a watermark, and
 * the few above it that came early (a resend fills the gaps below them). Memory is the gaps, which
 * the origin fills by sending again.
 */
final class Deduplicator {
  private long contiguous;
  private final TreeSet<Long> above = new TreeSet<>();

  /** Records {@code seq}; false when it had arrived before. */
  boolean firstTime(long seq) {
    if (seq <= contiguous || !above.add(seq)) {
      return false;
    }
    while (!above.isEmpty() && above.first() == contiguous + 1) {
      contiguous = above.pollFirst();
    }
    return true;
  }
}
