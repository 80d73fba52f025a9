package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Access rules' rows in {@code access_rules}; the SQL is the same on SQLite and PostgreSQL. */
final class RuleRows {
  private static final String COLUMNS =
      "id, hub, client_id, priority, action, operation, filter, label";

  /** The order rules are evaluated in: the id breaks ties, so it is the order they were added. */
  private static final String ORDER = " ORDER BY priority, id";

  private RuleRows() {}

  /** Every rule of every hub, global and per device, by hub and then in evaluation order. */
  static List<AccessRule> all(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM access_rules ORDER BY hub, priority, id")) {
      return read(p);
    }
  }

  /**
   * The rules of one device of {@code hub}, or the hub's global ones when {@code clientId} is null.
   */
  static List<AccessRule> of(Connection c, String hub, String clientId) throws SQLException {
    if (clientId == null) {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT "
                  + COLUMNS
                  + " FROM access_rules WHERE hub = ? AND client_id IS NULL"
                  + ORDER)) {
        p.setString(1, hub);
        return read(p);
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM access_rules WHERE hub = ? AND client_id = ?" + ORDER)) {
      p.setString(1, hub);
      p.setString(2, clientId);
      return read(p);
    }
  }

  /** Stores {@code rule} under a new id, whatever its own, and returns that id. */
  static long insert(Connection c, AccessRule rule) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO access_rules (hub, client_id, priority, action, operation, filter, label)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      p.setString(1, rule.hub());
      if (rule.clientId() == null) {
        p.setNull(2, Types.VARCHAR);
      } else {
        p.setString(2, rule.clientId());
      }
      p.setInt(3, rule.priority());
      p.setString(4, DeviceRows.text(rule.action()));
      p.setString(5, DeviceRows.text(rule.operation()));
      p.setString(6, rule.filter());
      p.setString(7, rule.label());
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  static boolean delete(Connection c, long id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM access_rules WHERE id = ?")) {
      p.setLong(1, id);
      return p.executeUpdate() > 0;
    }
  }

  /**
   * @throws IllegalArgumentException for a row the model refuses (edited by hand, say)
   */
  private static List<AccessRule> read(PreparedStatement p) throws SQLException {
    List<AccessRule> rules = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        rules.add(
            new AccessRule(
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                r.getInt(4),
                RuleAction.valueOf(r.getString(5).toUpperCase(Locale.ROOT)),
                RuleOperation.valueOf(r.getString(6).toUpperCase(Locale.ROOT)),
                r.getString(7),
                r.getString(8)));
      }
    }
    return rules;
  }
}
