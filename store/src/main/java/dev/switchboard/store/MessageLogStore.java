package dev.switchboard.store;

import dev.switchboard.broker.persist.LogEntry;
import dev.switchboard.hub.stash.StashEntry;
import dev.switchboard.hub.stash.StashLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stashes' entries ({@link StashLog}) as the store keeps them: the message logs the broker's
 * writer appends to ({@link MessageLogWriter}). On SQLite its own connection to {@link
 * StoreConfig#stashesPath()}, a file in normal locking mode, so this works in {@code switchboard
 * stashes} while a broker has the file attached, and a download reads through a read-only
 * connection of its own (a slow client holds nobody up); on PostgreSQL the store's database, a
 * download through a server-side cursor. Either way entries are handed on as they are read, never
 * collected.
 */
public final class MessageLogStore implements StashLog {
  /** Rows deleted per transaction by a clear: the broker's writer waits at most that long. */
  static final int CLEAR_CHUNK = 10_000;

  /** An entry's columns, in the order {@link #entry} reads them. */
  static final String COLUMNS =
      "seq, received_at, client_id, username, address, topic, qos, retain, properties, payload";

  private final Database database;
  private final Path sqliteFile;

  private MessageLogStore(Database database, Path sqliteFile) {
    this.database = database;
    this.sqliteFile = sqliteFile;
  }

  /** Opens the stashes' entries of the store {@code config} describes, creating them if absent. */
  public static MessageLogStore open(StoreConfig config) {
    return new MessageLogStore(Stores.openStashesDatabase(config), config.stashesPath());
  }

  public String describe() {
    return database.describe();
  }

  @Override
  public Counts counts(String hub, String stash) {
    return database.read(
        "reading a stash's counts",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT entries, bytes, dropped FROM message_logs WHERE hub = ? AND name = ?")) {
            p.setString(1, hub);
            p.setString(2, stash);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? new Counts(r.getLong(1), r.getLong(2), r.getLong(3)) : Counts.EMPTY;
            }
          }
        });
  }

  @Override
  public List<StashEntry> page(String hub, String stash, Range range, long afterSeq, int limit) {
    return database.read(
        "reading a stash",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM log_entries WHERE hub = ? AND log = ? AND seq > ?"
                      + " AND received_at >= ? AND received_at < ? ORDER BY seq LIMIT ?")) {
            p.setString(1, hub);
            p.setString(2, stash);
            p.setLong(3, afterSeq);
            p.setLong(4, range.from());
            p.setLong(5, range.to());
            p.setInt(6, limit);
            List<StashEntry> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.add(entry(r));
              }
            }
            return out;
          }
        });
  }

  @Override
  public List<StashEntry> bySeq(String hub, String stash, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return List.of();
    }
    return database.read(
        "reading a stash",
        c -> {
          List<StashEntry> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM log_entries WHERE hub = ? AND log = ? AND seq = ?")) {
            for (long seq : seqs.stream().sorted().distinct().toList()) {
              p.setString(1, hub);
              p.setString(2, stash);
              p.setLong(3, seq);
              try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                  out.add(entry(r));
                }
              }
            }
          }
          return out;
        });
  }

  @Override
  public long stream(String hub, String stash, Range range, Sink sink) throws Exception {
    SqlWork<Long> work =
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM log_entries WHERE hub = ? AND log = ?"
                      + " AND received_at >= ? AND received_at < ? ORDER BY seq")) {
            p.setFetchSize(500); // PostgreSQL: a cursor, 500 rows at a time
            p.setString(1, hub);
            p.setString(2, stash);
            p.setLong(3, range.from());
            p.setLong(4, range.to());
            long n = 0;
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                try {
                  sink.accept(entry(r));
                } catch (Exception e) {
                  throw new SinkFailed(e);
                }
                n++;
              }
            }
            return n;
          }
        };
    try {
      return sqliteFile != null
          ? SqliteDatabase.readOnly(Schema.STASHES, sqliteFile, work)
          : database.read("downloading a stash", work);
    } catch (SinkFailed e) {
      throw e.cause;
    }
  }

  @Override
  public long expire(String hub, String stash, long beforeMillis) {
    return database.write(
        "expiring a stash's entries",
        c -> {
          long[] counters = lockCounters(c, hub, stash);
          if (counters == null || counters[1] == 0) {
            return 0L;
          }
          try (PreparedStatement p =
              c.prepareStatement("SELECT bytes FROM message_logs WHERE hub = ? AND name = ?")) {
            p.setString(1, hub);
            p.setString(2, stash);
            long bytes;
            try (ResultSet r = p.executeQuery()) {
              r.next();
              bytes = r.getLong(1);
            }
            // an age limit of 1 ms counted from beforeMillis + 1: entries received before it go
            Trim.Result dropped;
            try (StatementCache statements = new StatementCache(c)) {
              dropped =
                  Trim.oldest(
                      statements,
                      hub,
                      stash,
                      counters[0],
                      counters[1],
                      bytes,
                      new LogEntry.Limits(0, 0, 1),
                      beforeMillis + 1);
            }
            if (dropped.entries() > 0) {
              try (PreparedStatement u =
                  c.prepareStatement(
                      "UPDATE message_logs SET entries = entries - ?, bytes = bytes - ?,"
                          + " dropped = dropped + ? WHERE hub = ? AND name = ?")) {
                u.setLong(1, dropped.entries());
                u.setLong(2, dropped.bytes());
                u.setLong(3, dropped.entries());
                u.setString(4, hub);
                u.setString(5, stash);
                u.executeUpdate();
              }
            }
            return dropped.entries();
          }
        });
  }

  @Override
  public long clear(String hub, String stash) {
    long total = 0;
    while (true) {
      long cleared =
          database.write(
              "clearing a stash",
              c -> {
                long[] counters = lockCounters(c, hub, stash);
                if (counters == null || counters[1] == 0) {
                  return 0L;
                }
                long nextSeq = counters[0];
                long entries = counters[1];
                long first = nextSeq - entries;
                long cut = Math.min(nextSeq, first + CLEAR_CHUNK);
                long bytes;
                try (PreparedStatement p =
                    c.prepareStatement(
                        "SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM log_entries"
                            + " WHERE hub = ? AND log = ? AND seq < ?")) {
                  p.setString(1, hub);
                  p.setString(2, stash);
                  p.setLong(3, cut);
                  try (ResultSet r = p.executeQuery()) {
                    r.next();
                    bytes = r.getLong(2);
                  }
                }
                try (PreparedStatement p =
                    c.prepareStatement(
                        "DELETE FROM log_entries WHERE hub = ? AND log = ? AND seq < ?")) {
                  p.setString(1, hub);
                  p.setString(2, stash);
                  p.setLong(3, cut);
                  p.executeUpdate();
                }
                long removed = cut - first;
                try (PreparedStatement p =
                    c.prepareStatement(
                        "UPDATE message_logs SET entries = entries - ?, bytes = bytes - ?"
                            + " WHERE hub = ? AND name = ?")) {
                  p.setLong(1, removed);
                  p.setLong(2, bytes);
                  p.setString(3, hub);
                  p.setString(4, stash);
                  p.executeUpdate();
                }
                return removed;
              });
      if (cleared == 0) {
        return total;
      }
      total += cleared;
    }
  }

  @Override
  public void remove(String hub, String stash) {
    clear(hub, stash);
    database.write(
        "removing a stash",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM message_logs WHERE hub = ? AND name = ?")) {
            p.setString(1, hub);
            p.setString(2, stash);
            p.executeUpdate();
          }
          // entries the broker appended between the clear and now
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM log_entries WHERE hub = ? AND log = ?")) {
            p.setString(1, hub);
            p.setString(2, stash);
            p.executeUpdate();
          }
          return null;
        });
  }

  /** {next_seq, entries} of a log, its row locked on PostgreSQL; null when it has none. */
  private long[] lockCounters(Connection c, String hub, String stash) throws SQLException {
    String forUpdate = database.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT next_seq, entries FROM message_logs WHERE hub = ? AND name = ?" + forUpdate)) {
      p.setString(1, hub);
      p.setString(2, stash);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? new long[] {r.getLong(1), r.getLong(2)} : null;
      }
    }
  }

  /** The entry at a result set's row of {@link #COLUMNS}. */
  static StashEntry entry(ResultSet r) throws SQLException {
    return new StashEntry(
        r.getLong(1),
        r.getLong(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getInt(7),
        r.getBoolean(8),
        r.getBytes(9),
        r.getBytes(10));
  }

  @Override
  public void close() {
    database.close();
  }

  /** A sink's exception, carried out of the SQL work unchanged. */
  private static final class SinkFailed extends RuntimeException {
    final Exception cause;

    SinkFailed(Exception cause) {
      super(cause);
      this.cause = cause;
    }
  }
}
