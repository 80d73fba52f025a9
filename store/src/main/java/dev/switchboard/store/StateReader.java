package dev.switchboard.store;

import dev.switchboard.broker.persist.Change.AwaitPubrel;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.persist.StoredSubscription;
import dev.switchboard.broker.persist.StoredWill;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads everything back. Every table is read in key order, so two stores holding the same rows load
 * (and export) them identically, whichever database they are in.
 */
final class StateReader {
  private static final int FETCH_SIZE = 1000;

  private StateReader() {}

  /**
   * Which sessions a load reads: a condition on each table's {@code hub} and {@code client_id}
   * (after {@code WHERE}, with the table's alias {@code t}), its parameters, and whether retained
   * messages come too.
   */
  record Selection(String where, List<String> parameters, boolean retained) {
    /** Everything stored: a single broker's start. */
    static final Selection ALL = new Selection("TRUE", List.of(), true);

    /** The sessions {@code node} holds, with or without every retained message. */
    static Selection heldBy(String node, boolean retained) {
      return new Selection(
          "EXISTS (SELECT 1 FROM sessions h WHERE h.hub = t.hub AND h.client_id = t.client_id"
              + " AND h.node = ?)",
          List.of(node),
          retained);
    }

    /** One session. */
    static Selection session(String hub, String clientId) {
      return new Selection("t.hub = ? AND t.client_id = ?", List.of(hub, clientId), false);
    }
  }

  static StoredState load(Connection c) throws SQLException {
    return load(c, Selection.ALL);
  }

  static StoredState load(Connection c, Selection which) throws SQLException {
    List<StoredSession> sessions = new ArrayList<>();
    List<StoredSubscription> subscriptions = new ArrayList<>();
    List<QueuedMessage> messages = new ArrayList<>();
    List<AwaitPubrel> awaiting = new ArrayList<>();
    List<StoredMessage> retained = new ArrayList<>();
    try (ResultSet r =
        query(
            c,
            which,
            "SELECT client_id, expiry_seconds, disconnected_at, will_topic, will_payload,"
                + " will_qos, will_retain, will_properties, will_publisher_id, will_expires_at,"
                + " will_delay_seconds, will_message_expiry_seconds, hub"
                + " FROM sessions t WHERE %s ORDER BY hub, client_id")) {
      while (r.next()) {
        StoredWill will = null;
        String willTopic = r.getString(4);
        if (willTopic != null) {
          will = new StoredWill(message(r, 4, r.getString(13)), r.getLong(11), r.getLong(12));
        }
        sessions.add(
            new StoredSession(r.getString(1), r.getLong(2), r.getLong(3), will, r.getString(13)));
      }
    }
    try (ResultSet r =
        query(
            c,
            which,
            "SELECT client_id, filter_key, qos, no_local, retain_as_published, retain_handling,"
                + " subscription_id, hub FROM subscriptions t WHERE %s"
                + " ORDER BY hub, client_id, filter_key")) {
      while (r.next()) {
        subscriptions.add(
            new StoredSubscription(
                r.getString(1),
                r.getString(2),
                r.getInt(3),
                r.getBoolean(4),
                r.getBoolean(5),
                r.getInt(6),
                r.getInt(7),
                r.getString(8)));
      }
    }
    try (ResultSet r =
        query(
            c,
            which,
            "SELECT client_id, seq, topic, payload, qos, retain, properties, publisher_id,"
                + " expires_at, filter_keys, shared, packet_id, phase, hub"
                + " FROM messages t WHERE %s ORDER BY hub, client_id, seq")) {
      while (r.next()) {
        messages.add(
            new QueuedMessage(
                r.getString(1),
                r.getLong(2),
                message(r, 3, r.getString(14)),
                FilterKeys.decode(nonNull(r.getBytes(10))),
                r.getBoolean(11),
                r.getInt(12),
                r.getInt(13),
                r.getString(14)));
      }
    }
    try (ResultSet r =
        query(
            c,
            which,
            "SELECT client_id, packet_id, hub FROM awaiting_pubrel t WHERE %s"
                + " ORDER BY hub, client_id, packet_id")) {
      while (r.next()) {
        awaiting.add(new AwaitPubrel(r.getString(1), r.getInt(2), r.getString(3)));
      }
    }
    if (which.retained()) {
      try (Statement s = c.createStatement()) {
        s.setFetchSize(FETCH_SIZE);
        try (ResultSet r =
            s.executeQuery(
                "SELECT topic, payload, qos, retain, properties, publisher_id, expires_at, hub"
                    + " FROM retained ORDER BY hub, topic")) {
          while (r.next()) {
            retained.add(message(r, 1, r.getString(8)));
          }
        }
      }
    }
    return new StoredState(
        List.copyOf(sessions),
        List.copyOf(subscriptions),
        List.copyOf(messages),
        List.copyOf(awaiting),
        List.copyOf(retained));
  }

  /**
   * {@code sql} with {@code which}'s condition in place of its {@code %s}; the result set closes
   * its statement with it.
   */
  private static ResultSet query(Connection c, Selection which, String sql) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql.formatted(which.where()));
    try {
      p.closeOnCompletion();
      // Without it PostgreSQL's driver would read a whole table into memory before the first row.
      p.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < which.parameters().size(); i++) {
        p.setString(i + 1, which.parameters().get(i));
      }
      return p.executeQuery();
    } catch (SQLException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /**
   * A message from seven columns that start at {@code first}: topic, payload, qos, retain,
   * properties, publisher_id, expires_at (the order of every table that holds one); of {@code hub}.
   */
  private static StoredMessage message(ResultSet r, int first, String hub) throws SQLException {
    return new StoredMessage(
        r.getString(first),
        nonNull(r.getBytes(first + 1)),
        r.getInt(first + 2),
        r.getBoolean(first + 3),
        r.getBytes(first + 4),
        r.getString(first + 5),
        r.getLong(first + 6),
        hub);
  }

  private static byte[] nonNull(byte[] b) {
    return b == null ? new byte[0] : b;
  }
}
