package dev.switchboard.store;

import dev.switchboard.hub.stash.StashEntry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stashes' entries (message logs) in a store export: read out log by log through a cursor, each
 * entry written as it is read, and written back in by an import. The counters an import does not
 * carry (entries, bytes) are worked out from the entries it wrote, so they always agree.
 */
final class MessageLogRows {
  /** Entries inserted per batch by an import. */
  private static final int BATCH = 1000;

  /** Where export lines go. */
  @FunctionalInterface
  interface Lines {
    void line(String json) throws IOException;
  }

  private MessageLogRows() {}

  /** How many logs the store holds: none means an export needs no version 2 lines. */
  static long countLogs(Connection c) throws SQLException {
    return StoreTool.count(c, "SELECT count(*) FROM message_logs");
  }

  /** Rows in the stash tables, for an import that must find its target empty. */
  static long countRows(Connection c) throws SQLException {
    return countLogs(c) + StoreTool.count(c, "SELECT count(*) FROM log_entries");
  }

  static void deleteAll(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM log_entries");
      s.executeUpdate("DELETE FROM message_logs");
    }
  }

  /**
   * Writes every log, each followed by its entries in order, and returns the lines written. The
   * logs' rows are few (one per stash) and are read first; the entries are handed on as the cursor
   * reads them (PostgreSQL: 500 rows at a time).
   */
  static long export(Connection c, ExportFormat format, Lines out)
      throws SQLException, IOException {
    List<ExportFormat.Log> logs = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT hub, name, next_seq, dropped FROM message_logs ORDER BY hub, name")) {
      while (r.next()) {
        logs.add(new ExportFormat.Log(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4)));
      }
    }
    long records = 0;
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT "
                + MessageLogStore.COLUMNS
                + " FROM log_entries WHERE hub = ? AND log = ? ORDER BY seq")) {
      p.setFetchSize(500);
      for (ExportFormat.Log log : logs) {
        out.line(format.log(log));
        records++;
        p.setString(1, log.hub());
        p.setString(2, log.name());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            StashEntry e = MessageLogStore.entry(r);
            out.line(format.entry(new ExportFormat.Entry(log.hub(), log.name(), e)));
            records++;
          }
        }
      }
    }
    return records;
  }

  /**
   * Writes imported logs and entries within the import's transaction. An entry must follow its
   * log's line and the one before it in the log, numbered one after it, and a log's entries must
   * end just before its next number: the invariant clears, limits and downloads rely on.
   */
  static final class Import implements AutoCloseable {
    private record Key(String hub, String name) {}

    /** A log seen so far: its next number and the number its next entry must have. */
    private static final class Seen {
      final long nextSeq;
      long expected;

      Seen(long nextSeq) {
        this.nextSeq = nextSeq;
      }
    }

    private final Connection connection;
    private final PreparedStatement insertLog;
    private final PreparedStatement insertEntry;
    private final Map<Key, Seen> logs = new HashMap<>();
    private Key current;
    private int batched;

    Import(Connection connection) throws SQLException {
      this.connection = connection;
      this.insertLog =
          connection.prepareStatement(
              "INSERT INTO message_logs (hub, name, next_seq, entries, bytes, dropped)"
                  + " VALUES (?, ?, ?, 0, 0, ?)");
      this.insertEntry = connection.prepareStatement(MessageLogWriter.INSERT_ENTRY);
    }

    /**
     * @throws ExportFormat.Invalid when the log was already there
     */
    void log(ExportFormat.Log log) throws SQLException {
      endCurrent();
      Key key = new Key(log.hub(), log.name());
      if (logs.putIfAbsent(key, new Seen(log.nextSeq())) != null) {
        throw new ExportFormat.Invalid(describe(key) + " comes a second time");
      }
      current = key;
      insertLog.setString(1, log.hub());
      insertLog.setString(2, log.name());
      insertLog.setLong(3, log.nextSeq());
      insertLog.setLong(4, log.dropped());
      insertLog.executeUpdate();
    }

    /**
     * @throws ExportFormat.Invalid when the entry is not where the numbering says it must be
     */
    void entry(ExportFormat.Entry line) throws SQLException {
      Key key = new Key(line.hub(), line.log());
      if (!key.equals(current)) {
        throw new ExportFormat.Invalid(
            "an entry of " + describe(key) + " that does not follow its log's line");
      }
      Seen seen = logs.get(key);
      StashEntry e = line.entry();
      if (seen.expected != 0 && e.seq() != seen.expected) {
        throw new ExportFormat.Invalid(
            "entry " + e.seq() + " of " + describe(key) + " is not " + seen.expected);
      }
      if (e.seq() >= seen.nextSeq) {
        throw new ExportFormat.Invalid(
            "entry " + e.seq() + " of " + describe(key) + " is not below its nextSeq");
      }
      seen.expected = e.seq() + 1;
      insertEntry.setString(1, line.hub());
      insertEntry.setString(2, line.log());
      insertEntry.setLong(3, e.seq());
      insertEntry.setLong(4, e.receivedAt());
      insertEntry.setString(5, e.clientId());
      insertEntry.setString(6, e.username());
      insertEntry.setString(7, e.address());
      insertEntry.setString(8, e.topic());
      insertEntry.setInt(9, e.qos());
      insertEntry.setBoolean(10, e.retain());
      insertEntry.setBytes(11, e.properties());
      insertEntry.setBytes(12, e.payload());
      insertEntry.addBatch();
      if (++batched == BATCH) {
        flush();
      }
    }

    /**
     * Writes what is batched and sets every log's entries and bytes from its entries.
     *
     * @throws ExportFormat.Invalid when the last log's entries stop short of its nextSeq
     */
    void finish() throws SQLException {
      endCurrent();
      flush();
      try (Statement s = connection.createStatement()) {
        s.executeUpdate(
            "UPDATE message_logs SET"
                + " entries = (SELECT count(*) FROM log_entries e"
                + " WHERE e.hub = message_logs.hub AND e.log = message_logs.name),"
                + " bytes = (SELECT COALESCE(sum(length(e.payload)), 0) FROM log_entries e"
                + " WHERE e.hub = message_logs.hub AND e.log = message_logs.name)");
      }
    }

    private void endCurrent() {
      if (current == null) {
        return;
      }
      Seen seen = logs.get(current);
      if (seen.expected != 0 && seen.expected != seen.nextSeq) {
        throw new ExportFormat.Invalid(
            "the entries of "
                + describe(current)
                + " end at "
                + (seen.expected - 1)
                + ", its nextSeq is "
                + seen.nextSeq);
      }
      current = null;
    }

    private void flush() throws SQLException {
      if (batched > 0) {
        insertEntry.executeBatch();
        batched = 0;
      }
    }

    private static String describe(Key key) {
      return "log '" + key.name() + "' of hub '" + key.hub() + "'";
    }

    @Override
    public void close() throws SQLException {
      try (insertLog;
          insertEntry) {
        // closed
      }
    }
  }
}
