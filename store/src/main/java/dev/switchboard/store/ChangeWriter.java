package dev.switchboard.store;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Change.AppendToLog;
import dev.switchboard.broker.persist.Change.AwaitPubrel;
import dev.switchboard.broker.persist.Change.DeleteHub;
import dev.switchboard.broker.persist.Change.DeleteMessage;
import dev.switchboard.broker.persist.Change.DeleteRetained;
import dev.switchboard.broker.persist.Change.DeleteSession;
import dev.switchboard.broker.persist.Change.DeleteSubscription;
import dev.switchboard.broker.persist.Change.HoldSession;
import dev.switchboard.broker.persist.Change.PutMessage;
import dev.switchboard.broker.persist.Change.PutRetained;
import dev.switchboard.broker.persist.Change.PutSession;
import dev.switchboard.broker.persist.Change.PutSubscription;
import dev.switchboard.broker.persist.Change.ReleasePubrel;
import dev.switchboard.broker.persist.Change.UpdateMessage;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredSubscription;
import dev.switchboard.broker.persist.StoredWill;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a transaction's changes with batched prepared statements. Changes run in their order: a
 * run of changes of one kind goes out as one batch, and a change of another kind first flushes it,
 * so a put, a delete and a put again of the same row end as they would one by one. The broker's
 * transactions are mostly long runs of one kind (the copies of one publish, the deletes of
 * acknowledged messages), which is what makes batching pay.
 *
 * <p>The SQL is the same on SQLite and PostgreSQL: both have {@code INSERT ... ON CONFLICT}. A
 * writer may serve many transactions of one connection in turn (its statements prepared once), as
 * long as each {@link #write} ended normally; after a failure it is closed.
 */
final class ChangeWriter implements AutoCloseable {
  /**
   * Rows bound before a batch is sent, so a large transaction does not buffer all its rows twice.
   */
  private static final int MAX_BATCH = 256;

  private enum Op {
    PUT_SESSION(
        """
        INSERT INTO sessions (client_id, expiry_seconds, disconnected_at, will_topic, will_payload,
          will_qos, will_retain, will_properties, will_publisher_id, will_expires_at,
          will_delay_seconds, will_message_expiry_seconds, hub, node)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (hub, client_id) DO UPDATE SET expiry_seconds = excluded.expiry_seconds,
          disconnected_at = excluded.disconnected_at, will_topic = excluded.will_topic,
          will_payload = excluded.will_payload, will_qos = excluded.will_qos,
          will_retain = excluded.will_retain, will_properties = excluded.will_properties,
          will_publisher_id = excluded.will_publisher_id,
          will_expires_at = excluded.will_expires_at,
          will_delay_seconds = excluded.will_delay_seconds,
          will_message_expiry_seconds = excluded.will_message_expiry_seconds"""),
    // a session replaced keeps its holder: only HOLD_SESSION moves it
    HOLD_SESSION("UPDATE sessions SET node = ? WHERE client_id = ? AND hub = ?"),
    DELETE_SESSION(
        "DELETE FROM sessions WHERE client_id = ? AND hub = ?",
        "DELETE FROM subscriptions WHERE client_id = ? AND hub = ?",
        "DELETE FROM messages WHERE client_id = ? AND hub = ?",
        "DELETE FROM awaiting_pubrel WHERE client_id = ? AND hub = ?"),
    PUT_SUBSCRIPTION(
        """
        INSERT INTO subscriptions (client_id, filter_key, qos, no_local, retain_as_published,
          retain_handling, subscription_id, hub)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (hub, client_id, filter_key) DO UPDATE SET qos = excluded.qos,
          no_local = excluded.no_local, retain_as_published = excluded.retain_as_published,
          retain_handling = excluded.retain_handling, subscription_id = excluded.subscription_id"""),
    DELETE_SUBSCRIPTION(
        "DELETE FROM subscriptions WHERE client_id = ? AND filter_key = ? AND hub = ?"),
    PUT_MESSAGE(
        """
        INSERT INTO messages (client_id, seq, topic, payload, qos, retain, properties, publisher_id,
          expires_at, filter_keys, shared, packet_id, phase, hub)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (hub, client_id, seq) DO UPDATE SET topic = excluded.topic,
          payload = excluded.payload, qos = excluded.qos, retain = excluded.retain,
          properties = excluded.properties, publisher_id = excluded.publisher_id,
          expires_at = excluded.expires_at, filter_keys = excluded.filter_keys,
          shared = excluded.shared, packet_id = excluded.packet_id, phase = excluded.phase"""),
    UPDATE_MESSAGE(
        "UPDATE messages SET packet_id = ?, phase = ? WHERE client_id = ? AND seq = ? AND hub = ?"),
    DELETE_MESSAGE("DELETE FROM messages WHERE client_id = ? AND seq = ? AND hub = ?"),
    AWAIT_PUBREL(
        "INSERT INTO awaiting_pubrel (client_id, packet_id, hub) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING"),
    RELEASE_PUBREL("DELETE FROM awaiting_pubrel WHERE client_id = ? AND packet_id = ? AND hub = ?"),
    PUT_RETAINED(
        """
        INSERT INTO retained (topic, payload, qos, retain, properties, publisher_id, expires_at,
          hub)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (hub, topic) DO UPDATE SET payload = excluded.payload, qos = excluded.qos,
          retain = excluded.retain, properties = excluded.properties,
          publisher_id = excluded.publisher_id, expires_at = excluded.expires_at"""),
    DELETE_RETAINED("DELETE FROM retained WHERE topic = ? AND hub = ?"),
    DELETE_HUB(
        "DELETE FROM sessions WHERE hub = ?",
        "DELETE FROM subscriptions WHERE hub = ?",
        "DELETE FROM messages WHERE hub = ?",
        "DELETE FROM awaiting_pubrel WHERE hub = ?",
        "DELETE FROM retained WHERE hub = ?",
        // a removed hub's stashes' entries (message logs) go with it
        "DELETE FROM log_entries WHERE hub = ?",
        "DELETE FROM message_logs WHERE hub = ?"),
    APPEND_TO_LOG(MessageLogWriter.INSERT_ENTRY);

    final String[] sql;

    Op(String... sql) {
      this.sql = sql;
    }
  }

  private final StatementCache statements;
  private final MessageLogWriter logs;
  private final Map<Op, PreparedStatement[]> prepared = new EnumMap<>(Op.class);
  private Op pending;
  private int pendingRows;

  ChangeWriter(Connection connection) {
    this.statements = new StatementCache(connection);
    this.logs = new MessageLogWriter(statements);
  }

  /** Whether this writer's statements are of {@code connection}. */
  boolean writesTo(Connection connection) {
    return statements.connection() == connection;
  }

  void write(List<Change> changes) throws SQLException {
    for (Change change : changes) {
      Op op = opOf(change);
      if (op != pending || pendingRows == MAX_BATCH) {
        flush();
      }
      PreparedStatement[] statements = statements(op);
      bind(change, statements);
      for (PreparedStatement s : statements) {
        s.addBatch();
      }
      pending = op;
      pendingRows++;
    }
    flush();
    logs.finish();
  }

  private void flush() throws SQLException {
    if (pending != null && pendingRows > 0) {
      for (PreparedStatement s : prepared.get(pending)) {
        s.executeBatch();
      }
    }
    pending = null;
    pendingRows = 0;
  }

  private PreparedStatement[] statements(Op op) throws SQLException {
    PreparedStatement[] statements = prepared.get(op);
    if (statements == null) {
      statements = new PreparedStatement[op.sql.length];
      for (int i = 0; i < op.sql.length; i++) {
        statements[i] = this.statements.prepare(op.sql[i]);
      }
      prepared.put(op, statements);
    }
    return statements;
  }

  private static Op opOf(Change change) {
    return switch (change) {
      case PutSession c -> Op.PUT_SESSION;
      case HoldSession c -> Op.HOLD_SESSION;
      case DeleteSession c -> Op.DELETE_SESSION;
      case PutSubscription c -> Op.PUT_SUBSCRIPTION;
      case DeleteSubscription c -> Op.DELETE_SUBSCRIPTION;
      case PutMessage c -> Op.PUT_MESSAGE;
      case UpdateMessage c -> Op.UPDATE_MESSAGE;
      case DeleteMessage c -> Op.DELETE_MESSAGE;
      case AwaitPubrel c -> Op.AWAIT_PUBREL;
      case ReleasePubrel c -> Op.RELEASE_PUBREL;
      case PutRetained c -> Op.PUT_RETAINED;
      case DeleteRetained c -> Op.DELETE_RETAINED;
      case DeleteHub c -> Op.DELETE_HUB;
      case AppendToLog c -> Op.APPEND_TO_LOG;
    };
  }

  private void bind(Change change, PreparedStatement[] s) throws SQLException {
    switch (change) {
      case PutSession c -> {
        bindSession(s[0], c.session());
        s[0].setString(14, c.node());
      }
      case HoldSession c -> {
        s[0].setString(1, c.node());
        s[0].setString(2, c.clientId());
        s[0].setString(3, c.hub());
      }
      case DeleteSession c -> {
        for (PreparedStatement p : s) {
          p.setString(1, c.clientId());
          p.setString(2, c.hub());
        }
      }
      case PutSubscription c -> bindSubscription(s[0], c.subscription());
      case DeleteSubscription c -> {
        s[0].setString(1, c.clientId());
        s[0].setString(2, c.filterKey());
        s[0].setString(3, c.hub());
      }
      case PutMessage c -> bindQueued(s[0], c.message());
      case UpdateMessage c -> {
        s[0].setInt(1, c.packetId());
        s[0].setInt(2, c.phase());
        s[0].setString(3, c.clientId());
        s[0].setLong(4, c.seq());
        s[0].setString(5, c.hub());
      }
      case DeleteMessage c -> {
        s[0].setString(1, c.clientId());
        s[0].setLong(2, c.seq());
        s[0].setString(3, c.hub());
      }
      case AwaitPubrel c -> {
        s[0].setString(1, c.clientId());
        s[0].setInt(2, c.packetId());
        s[0].setString(3, c.hub());
      }
      case ReleasePubrel c -> {
        s[0].setString(1, c.clientId());
        s[0].setInt(2, c.packetId());
        s[0].setString(3, c.hub());
      }
      case PutRetained c -> {
        StoredMessage m = c.message();
        s[0].setString(1, m.topic());
        s[0].setBytes(2, m.payload());
        s[0].setInt(3, m.qos());
        s[0].setBoolean(4, m.retain());
        s[0].setBytes(5, m.properties());
        s[0].setString(6, m.publisherId());
        s[0].setLong(7, m.expiresAtMillis());
        s[0].setString(8, m.hub());
      }
      case DeleteRetained c -> {
        s[0].setString(1, c.topic());
        s[0].setString(2, c.hub());
      }
      case DeleteHub c -> {
        for (PreparedStatement p : s) {
          p.setString(1, c.hub());
        }
      }
      case AppendToLog c -> logs.bind(c.entry(), s[0]);
    }
  }

  private static void bindSession(PreparedStatement p, StoredSession session) throws SQLException {
    p.setString(1, session.clientId());
    p.setLong(2, session.expirySeconds());
    p.setLong(3, session.disconnectedAtMillis());
    StoredWill will = session.will();
    if (will == null) {
      p.setNull(4, Types.VARCHAR);
      p.setNull(5, Types.BINARY);
      p.setNull(6, Types.INTEGER);
      p.setNull(7, Types.BOOLEAN);
      p.setNull(8, Types.BINARY);
      p.setNull(9, Types.VARCHAR);
      p.setNull(10, Types.BIGINT);
      p.setNull(11, Types.BIGINT);
      p.setNull(12, Types.BIGINT);
    } else {
      StoredMessage m = will.message();
      p.setString(4, m.topic());
      p.setBytes(5, m.payload());
      p.setInt(6, m.qos());
      p.setBoolean(7, m.retain());
      p.setBytes(8, m.properties());
      p.setString(9, m.publisherId());
      p.setLong(10, m.expiresAtMillis());
      p.setLong(11, will.delaySeconds());
      p.setLong(12, will.messageExpirySeconds());
    }
    p.setString(13, session.hub());
  }

  private static void bindSubscription(PreparedStatement p, StoredSubscription s)
      throws SQLException {
    p.setString(1, s.clientId());
    p.setString(2, s.filterKey());
    p.setInt(3, s.qos());
    p.setBoolean(4, s.noLocal());
    p.setBoolean(5, s.retainAsPublished());
    p.setInt(6, s.retainHandling());
    p.setInt(7, s.subscriptionId());
    p.setString(8, s.hub());
  }

  private static void bindQueued(PreparedStatement p, QueuedMessage q) throws SQLException {
    StoredMessage m = q.message();
    p.setString(1, q.clientId());
    p.setLong(2, q.seq());
    p.setString(3, m.topic());
    p.setBytes(4, m.payload());
    p.setInt(5, m.qos());
    p.setBoolean(6, m.retain());
    p.setBytes(7, m.properties());
    p.setString(8, m.publisherId());
    p.setLong(9, m.expiresAtMillis());
    p.setBytes(10, FilterKeys.encode(q.filterKeys()));
    p.setBoolean(11, q.shared());
    p.setInt(12, q.packetId());
    p.setInt(13, q.phase());
    p.setString(14, q.hub());
  }

  @Override
  public void close() throws SQLException {
    prepared.clear();
    statements.close();
  }
}
