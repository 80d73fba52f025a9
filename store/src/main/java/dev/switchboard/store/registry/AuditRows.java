package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.AuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The audit log's rows in {@code audit_log}; the SQL is the same on SQLite and PostgreSQL. */
final class AuditRows {
  private static final String COLUMNS = "at, actor, source, hub, action, target, detail";

  private AuditRows() {}

  /** Appends the entry; its new id. */
  static long insert(Connection c, AuditEntry e) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      p.setLong(1, e.at());
      p.setString(2, e.actor());
      p.setString(3, e.source());
      if (e.hub() == null) {
        p.setNull(4, Types.VARCHAR);
      } else {
        p.setString(4, e.hub());
      }
      p.setString(5, e.action());
      p.setString(6, e.target());
      p.setString(7, e.detail());
      p.executeUpdate();
      try (ResultSet keys = p.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  /**
   * Entries of {@code hub} (every entry when null) with an id below {@code beforeId}, newest first.
   */
  static List<AuditEntry> page(Connection c, String hub, long beforeId, int limit)
      throws SQLException {
    List<String> where = new ArrayList<>();
    if (hub != null) {
      where.add("hub = ?");
    }
    if (beforeId > 0) {
      where.add("id < ?");
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT id, "
                + COLUMNS
                + " FROM audit_log"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY id DESC LIMIT ?")) {
      int i = 1;
      if (hub != null) {
        p.setString(i++, hub);
      }
      if (beforeId > 0) {
        p.setLong(i++, beforeId);
      }
      p.setInt(i, limit);
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          entries.add(
              new AuditEntry(
                  r.getLong(1),
                  r.getLong(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getString(6),
                  r.getString(7),
                  r.getString(8)));
        }
      }
      return entries;
    }
  }
}
