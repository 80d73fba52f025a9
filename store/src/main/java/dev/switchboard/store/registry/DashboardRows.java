package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.Dashboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Dashboards' rows in {@code dashboards}; the SQL is the same on SQLite and PostgreSQL. */
final class DashboardRows {
  private static final String COLUMNS =
      "hub, name, metrics, scripts_allowed, updated_by, created_at, updated_at";

  private DashboardRows() {}

  static Optional<Dashboard> byName(Connection c, String hub, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM dashboards WHERE hub = ? AND name = ?")) {
      p.setString(1, hub);
      p.setString(2, name);
      List<Dashboard> found = read(p);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  static List<Dashboard> ofHub(Connection c, String hub) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM dashboards WHERE hub = ? ORDER BY name")) {
      p.setString(1, hub);
      return read(p);
    }
  }

  static void insert(Connection c, Dashboard d) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO dashboards (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, d.hub());
      p.setString(2, d.name());
      p.setString(3, d.metrics());
      p.setBoolean(4, d.scriptsAllowed());
      p.setString(5, d.updatedBy());
      p.setLong(6, d.createdAt());
      p.setLong(7, d.updatedAt());
      p.executeUpdate();
    }
  }

  /** Replaces all but the creation time. */
  static void update(Connection c, Dashboard d) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE dashboards SET metrics = ?, scripts_allowed = ?, updated_by = ?,"
                + " updated_at = ? WHERE hub = ? AND name = ?")) {
      p.setString(1, d.metrics());
      p.setBoolean(2, d.scriptsAllowed());
      p.setString(3, d.updatedBy());
      p.setLong(4, d.updatedAt());
      p.setString(5, d.hub());
      p.setString(6, d.name());
      p.executeUpdate();
    }
  }

  static boolean delete(Connection c, String hub, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM dashboards WHERE hub = ? AND name = ?")) {
      p.setString(1, hub);
      p.setString(2, name);
      return p.executeUpdate() > 0;
    }
  }

  private static List<Dashboard> read(PreparedStatement p) throws SQLException {
    List<Dashboard> out = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        out.add(
            new Dashboard(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getBoolean(4),
                r.getString(5),
                r.getLong(6),
                r.getLong(7)));
      }
    }
    return out;
  }
}
