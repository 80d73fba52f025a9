package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Administrators' rows in {@code administrators}; the SQL is the same on SQLite and PostgreSQL. */
final class AdminRows {
  private static final String COLUMNS = "name, hub, role, password_hash, created_at, updated_at";

  private AdminRows() {}

  static Optional<Admin> byName(Connection c, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM administrators WHERE name = ?")) {
      p.setString(1, name);
      List<Admin> found = read(p);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** Every administrator, by name. */
  static List<Admin> all(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM administrators ORDER BY name")) {
      return read(p);
    }
  }

  /** How many server administrators there are. */
  static long serverWideCount(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM administrators WHERE hub IS NULL")) {
      r.next();
      return r.getLong(1);
    }
  }

  static void insert(Connection c, Admin a) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO administrators (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setString(1, a.name());
      if (a.hub() == null) {
        p.setNull(2, Types.VARCHAR);
      } else {
        p.setString(2, a.hub());
      }
      p.setString(3, DeviceRows.text(a.role()));
      p.setString(4, a.passwordHash());
      p.setLong(5, a.createdAt());
      p.setLong(6, a.updatedAt());
      p.executeUpdate();
    }
  }

  /** Sets the role and password; whether there was such an administrator. */
  static boolean update(Connection c, Admin a, long updatedAt) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE administrators SET role = ?, password_hash = ?, updated_at = ?"
                + " WHERE name = ?")) {
      p.setString(1, DeviceRows.text(a.role()));
      p.setString(2, a.passwordHash());
      p.setLong(3, updatedAt);
      p.setString(4, a.name());
      return p.executeUpdate() > 0;
    }
  }

  static boolean delete(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM administrators WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() > 0;
    }
  }

  /**
   * @throws IllegalArgumentException for a row the model refuses (edited by hand, say)
   */
  private static List<Admin> read(PreparedStatement p) throws SQLException {
    List<Admin> admins = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        admins.add(
            new Admin(
                r.getString(1),
                r.getString(2),
                AdminRole.valueOf(r.getString(3).toUpperCase(Locale.ROOT)),
                r.getString(4),
                r.getLong(5),
                r.getLong(6)));
      }
    }
    return admins;
  }
}
