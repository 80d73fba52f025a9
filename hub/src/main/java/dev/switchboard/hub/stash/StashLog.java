package dev.switchboard.hub.stash;

import java.util.List;

/**
 * The entries of stashes, in the store: appended by the broker's journal in the publisher's
 * transaction ({@link StashInterceptor}), read, cleared and removed here. Implemented by {@code
 * store}'s {@code MessageLogStore} on SQLite (a file of its own, readable while the broker runs)
 * and PostgreSQL.
 */
public interface StashLog extends AutoCloseable {

  /** What a stash holds now, and what its limits dropped since it was made. */
  record Counts(long entries, long bytes, long dropped) {
    public static final Counts EMPTY = new Counts(0, 0, 0);
  }

  /** What a time range is: received at {@code from} or later, before {@code to} (epoch ms). */
  record Range(long from, long to) {
    public static final Range ALL = new Range(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Takes entries one at a time while they are read: a download never holds them all. */
  @FunctionalInterface
  interface Sink {
    void accept(StashEntry entry) throws Exception;
  }

  Counts counts(String hub, String stash);

  /**
   * At most {@code limit} entries in {@code range}, oldest first, numbered after {@code afterSeq}
   * (0: from the first).
   */
  List<StashEntry> page(String hub, String stash, Range range, long afterSeq, int limit);

  /** The entries with these numbers that are still kept, oldest first. */
  List<StashEntry> bySeq(String hub, String stash, List<Long> seqs);

  /**
   * Hands every entry in {@code range}, oldest first, to {@code sink} as it reads them (the store's
   * cursor, not a list); returns how many. An exception of the sink ends the read and passes on.
   */
  long stream(String hub, String stash, Range range, Sink sink) throws Exception;

  /**
   * Drops the entries received before {@code beforeMillis}, oldest first, counted as dropped: the
   * age limit of a stash no message has been appended to for a while. Returns how many.
   */
  long expire(String hub, String stash, long beforeMillis);

  /** Deletes every entry (in short transactions, so the broker's writer is not held up). */
  long clear(String hub, String stash);

  /** Deletes every entry and the counters. */
  void remove(String hub, String stash);

  @Override
  void close();
}
