package dev.switchboard.store;

import dev.switchboard.broker.persist.LogEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message-log part of a broker transaction ({@link ChangeWriter}): entries are numbered from
 * their log's counters, inserted in batches, and once the transaction's changes are written each
 * log touched is trimmed to its limits (oldest first, counted as dropped) and its counters saved.
 * Its counters row is created, or locked, by a write before it is read, so that a clear by another
 * process cannot slip in between.
 */
final class MessageLogWriter implements AutoCloseable {
  static final String INSERT_ENTRY =
      """
      INSERT INTO log_entries (hub, log, seq, received_at, client_id, username, address, topic, qos,
        retain, properties, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  private record Key(String hub, String log) {}

  /** A log's counters in this transaction, and the limits its latest entry came with. */
  private static final class Counters {
    long nextSeq;
    long entries;
    long bytes;
    long dropped;
    LogEntry.Limits limits;
  }

  private final StatementCache statements;
  private final Map<Key, Counters> touched = new LinkedHashMap<>();

  MessageLogWriter(StatementCache statements) {
    this.statements = statements;
  }

  /** Binds {@code entry} to the insert statement, numbered after its log's last entry. */
  void bind(LogEntry entry, PreparedStatement insert) throws SQLException {
    Counters counters = counters(entry.hub(), entry.log());
    counters.limits = entry.limits();
    long seq = counters.nextSeq++;
    counters.entries++;
    counters.bytes += entry.payload().length;
    insert.setString(1, entry.hub());
    insert.setString(2, entry.log());
    insert.setLong(3, seq);
    insert.setLong(4, entry.receivedAtMillis());
    insert.setString(5, entry.clientId());
    insert.setString(6, entry.username());
    insert.setString(7, entry.address());
    insert.setString(8, entry.topic());
    insert.setInt(9, entry.qos());
    insert.setBoolean(10, entry.retain());
    insert.setBytes(11, entry.properties());
    insert.setBytes(12, entry.payload());
  }

  /** Trims every log this transaction appended to, and saves its counters. */
  void finish() throws SQLException {
    long now = System.currentTimeMillis();
    for (Map.Entry<Key, Counters> e : touched.entrySet()) {
      Key key = e.getKey();
      Counters c = e.getValue();
      Trim.Result trimmed =
          Trim.oldest(
              statements, key.hub(), key.log(), c.nextSeq, c.entries, c.bytes, c.limits, now);
      c.entries -= trimmed.entries();
      c.bytes -= trimmed.bytes();
      c.dropped += trimmed.entries();
      PreparedStatement p =
          statements.prepare(
              "UPDATE message_logs SET next_seq = ?, entries = ?, bytes = ?, dropped = ?"
                  + " WHERE hub = ? AND name = ?");
      p.setLong(1, c.nextSeq);
      p.setLong(2, c.entries);
      p.setLong(3, c.bytes);
      p.setLong(4, c.dropped);
      p.setString(5, key.hub());
      p.setString(6, key.log());
      p.executeUpdate();
    }
    touched.clear();
  }

  private Counters counters(String hub, String log) throws SQLException {
    Key key = new Key(hub, log);
    Counters c = touched.get(key);
    if (c != null) {
      return c;
    }
    c = lockCounters(statements, hub, log);
    touched.put(key, c);
    return c;
  }

  /**
   * A log's counters row, created if absent, locked for this transaction (a write first on SQLite,
   * {@code FOR UPDATE} on PostgreSQL's read).
   */
  private static Counters lockCounters(StatementCache statements, String hub, String log)
      throws SQLException {
    PreparedStatement lock =
        statements.prepare(
            "INSERT INTO message_logs (hub, name, next_seq, entries, bytes, dropped)"
                + " VALUES (?, ?, 1, 0, 0, 0) ON CONFLICT (hub, name) DO UPDATE SET"
                + " next_seq = message_logs.next_seq");
    lock.setString(1, hub);
    lock.setString(2, log);
    lock.executeUpdate();
    PreparedStatement p =
        statements.prepare(
            "SELECT next_seq, entries, bytes, dropped FROM message_logs WHERE hub = ? AND name = ?");
    p.setString(1, hub);
    p.setString(2, log);
    try (ResultSet r = p.executeQuery()) {
      r.next();
      Counters c = new Counters();
      c.nextSeq = r.getLong(1);
      c.entries = r.getLong(2);
      c.bytes = r.getLong(3);
      c.dropped = r.getLong(4);
      return c;
    }
  }

  @Override
  public void close() {
    touched.clear();
  }
}
