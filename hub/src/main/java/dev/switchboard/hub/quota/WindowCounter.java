package dev.switchboard.hub.quota;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A device's count in its current window of one kind: charged without locks from every event loop
 * the device uses (a compare-and-set that refuses to pass the limit); a new window starts from zero
 * at the first charge or read after the old one ended (that one step takes the counter's lock, once
 * a window). A message charged at the very boundary may count in either window.
 */
final class WindowCounter {
  private final Window window;
  private final AtomicLong used = new AtomicLong();
  private volatile long start = Long.MIN_VALUE;
  private volatile long end = Long.MIN_VALUE;

  /** What the saver last wrote; touched only under the book's save lock. */
  long savedStart = Long.MIN_VALUE;

  long savedUsed = -1;

  WindowCounter(Window window) {
    this.window = window;
  }

  /**
   * Adds {@code units} unless that would take the count past {@code limit} (0: none); returns the
   * window's start it counted in, or {@link Long#MIN_VALUE} when refused.
   */
  long tryAdd(long units, long limit, long now) {
    if (now >= end) {
      roll(now);
    }
    long in = start;
    while (true) {
      long current = used.get();
      if (limit > 0 && current + units > limit) {
        return Long.MIN_VALUE;
      }
      if (used.compareAndSet(current, current + units)) {
        return in;
      }
    }
  }

  /** Takes back {@code units} added in the window that started at {@code in}, if it still runs. */
  void takeBack(long units, long in) {
    if (start == in) {
      used.addAndGet(-units);
    }
  }

  /** The count of the window that holds {@code now}: 0 once the last one counted has ended. */
  long used(long now) {
    return now >= end ? 0 : used.get();
  }

  /** When the window that holds {@code now} started. */
  long startAt(long now) {
    return now >= end ? window.start(now) : start;
  }

  private synchronized void roll(long now) {
    if (now >= end) {
      long s = window.start(now);
      used.set(0);
      start = s;
      end = window.end(s);
    }
  }

  /** Sets the count saved for the window that started at {@code windowStart}, if it holds now. */
  synchronized void restore(long windowStart, long count, long now) {
    if (window.start(now) == windowStart) {
      start = windowStart;
      end = window.end(windowStart);
      used.set(count);
      savedStart = windowStart;
      savedUsed = count;
    }
  }

  synchronized void reset() {
    used.set(0);
  }
}
