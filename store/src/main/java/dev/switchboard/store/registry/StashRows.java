package dev.switchboard.store.registry;

import dev.switchboard.hub.stash.Stash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stash definitions' rows in {@code stashes} and {@code stash_client_ids}; the SQL is the same on
 * SQLite and PostgreSQL.
 */
final class StashRows {
  private static final String COLUMNS =
      "hub, name, filter, max_entries, max_bytes, max_age_seconds, enabled, created_at, updated_at";

  private StashRows() {}

  static List<Stash> all(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM stashes ORDER BY hub, name")) {
      return read(c, p);
    }
  }

  static List<Stash> ofHub(Connection c, String hub) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM stashes WHERE hub = ? ORDER BY name")) {
      p.setString(1, hub);
      return read(c, p);
    }
  }

  static Optional<Stash> byName(Connection c, String hub, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM stashes WHERE hub = ? AND name = ?")) {
      p.setString(1, hub);
      p.setString(2, name);
      List<Stash> found = read(c, p);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  static void insert(Connection c, Stash s) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO stashes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, s.hub());
      p.setString(2, s.name());
      p.setString(3, s.filter());
      p.setLong(4, s.maxEntries());
      p.setLong(5, s.maxBytes());
      p.setLong(6, s.maxAgeSeconds());
      p.setBoolean(7, s.enabled());
      p.setLong(8, s.createdAt());
      p.setLong(9, s.updatedAt());
      p.executeUpdate();
    }
    insertClientIds(c, s);
  }

  /** Replaces all but the creation time; false when there is no such stash. */
  static boolean update(Connection c, Stash s) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE stashes SET filter = ?, max_entries = ?, max_bytes = ?, max_age_seconds = ?,"
                + " enabled = ?, updated_at = ? WHERE hub = ? AND name = ?")) {
      p.setString(1, s.filter());
      p.setLong(2, s.maxEntries());
      p.setLong(3, s.maxBytes());
      p.setLong(4, s.maxAgeSeconds());
      p.setBoolean(5, s.enabled());
      p.setLong(6, s.updatedAt());
      p.setString(7, s.hub());
      p.setString(8, s.name());
      if (p.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM stash_client_ids WHERE hub = ? AND stash = ?")) {
      p.setString(1, s.hub());
      p.setString(2, s.name());
      p.executeUpdate();
    }
    insertClientIds(c, s);
    return true;
  }

  static boolean delete(Connection c, String hub, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM stashes WHERE hub = ? AND name = ?")) {
      p.setString(1, hub);
      p.setString(2, name);
      return p.executeUpdate() > 0;
    }
  }

  private static void insertClientIds(Connection c, Stash s) throws SQLException {
    if (s.clientIds().isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO stash_client_ids (hub, stash, position, client_id) VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < s.clientIds().size(); i++) {
        p.setString(1, s.hub());
        p.setString(2, s.name());
        p.setInt(3, i);
        p.setString(4, s.clientIds().get(i));
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private record Row(
      String hub,
      String name,
      String filter,
      long maxEntries,
      long maxBytes,
      long maxAge,
      boolean enabled,
      long createdAt,
      long updatedAt) {}

  private static List<Stash> read(Connection c, PreparedStatement p) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        rows.add(
            new Row(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getLong(4),
                r.getLong(5),
                r.getLong(6),
                r.getBoolean(7),
                r.getLong(8),
                r.getLong(9)));
      }
    }
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<List<String>, List<String>> ids = new LinkedHashMap<>();
    try (PreparedStatement q =
            c.prepareStatement(
                "SELECT hub, stash, client_id FROM stash_client_ids ORDER BY hub, stash, position");
        ResultSet r = q.executeQuery()) {
      while (r.next()) {
        ids.computeIfAbsent(List.of(r.getString(1), r.getString(2)), k -> new ArrayList<>())
            .add(r.getString(3));
      }
    }
    List<Stash> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(
          new Stash(
              row.hub,
              row.name,
              row.filter,
              ids.getOrDefault(List.of(row.hub, row.name), List.of()),
              row.maxEntries,
              row.maxBytes,
              row.maxAge,
              row.enabled,
              row.createdAt,
              row.updatedAt));
    }
    return out;
  }
}
