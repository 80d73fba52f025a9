package dev.switchboard.store;

import dev.switchboard.broker.persist.LogEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Drops a message log's oldest entries until it is within its limits. Entries are numbered without
 * gaps and only ever dropped oldest first, so the oldest is {@code nextSeq - entries}, and what is
 * dropped is one range of numbers: one delete.
 */
final class Trim {
  /** What was dropped: entries and their payload bytes. */
  record Result(long entries, long bytes) {
    static final Result NONE = new Result(0, 0);
  }

  private Trim() {}

  /**
   * Drops from the oldest while the log holds more than its entries or bytes, or the oldest is
   * older than its age limit (received before {@code now - maxAge}). Reads only the rows it drops,
   * and one more.
   */
  static Result oldest(
      StatementCache c,
      String hub,
      String log,
      long nextSeq,
      long entries,
      long bytes,
      LogEntry.Limits limits,
      long now)
      throws SQLException {
    if (limits == null
        || (limits.maxAgeMillis() == 0
            && (limits.maxEntries() == 0 || entries <= limits.maxEntries())
            && (limits.maxBytes() == 0 || bytes <= limits.maxBytes()))) {
      return Result.NONE;
    }
    long oldestKept = limits.maxAgeMillis() == 0 ? Long.MIN_VALUE : now - limits.maxAgeMillis();
    long droppedEntries = 0;
    long droppedBytes = 0;
    long cut = nextSeq - entries; // the first seq kept
    {
      PreparedStatement p =
          c.prepare(
              "SELECT seq, received_at, length(payload) FROM log_entries"
                  + " WHERE hub = ? AND log = ? AND seq >= ? ORDER BY seq");
      p.setFetchSize(256);
      p.setString(1, hub);
      p.setString(2, log);
      p.setLong(3, cut);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          long left = entries - droppedEntries;
          long leftBytes = bytes - droppedBytes;
          boolean over =
              (limits.maxEntries() > 0 && left > limits.maxEntries())
                  || (limits.maxBytes() > 0 && leftBytes > limits.maxBytes())
                  || r.getLong(2) < oldestKept;
          if (!over) {
            break;
          }
          droppedEntries++;
          droppedBytes += r.getLong(3);
          cut = r.getLong(1) + 1;
        }
      }
    }
    if (droppedEntries == 0) {
      return Result.NONE;
    }
    PreparedStatement delete =
        c.prepare("DELETE FROM log_entries WHERE hub = ? AND log = ? AND seq < ?");
    delete.setString(1, hub);
    delete.setString(2, log);
    delete.setLong(3, cut);
    delete.executeUpdate();
    return new Result(droppedEntries, droppedBytes);
  }
}
