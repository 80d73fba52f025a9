package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.ApiKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** API keys' rows in {@code api_keys}; the SQL is the same on SQLite and PostgreSQL. */
final class ApiKeyRows {
  private static final String COLUMNS =
      "id, hub, role, label, secret_hash, created_by, created_at, expires_at";

  private ApiKeyRows() {}

  static Optional<ApiKey> byId(Connection c, String id) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
      p.setString(1, id);
      List<ApiKey> found = read(p);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** The keys of {@code hub}, every key when null; by id. */
  static List<ApiKey> all(Connection c, String hub) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM api_keys"
                + (hub == null ? "" : " WHERE hub = ?")
                + " ORDER BY id")) {
      if (hub != null) {
        p.setString(1, hub);
      }
      return read(p);
    }
  }

  static void insert(Connection c, ApiKey k) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, k.id());
      if (k.hub() == null) {
        p.setNull(2, Types.VARCHAR);
      } else {
        p.setString(2, k.hub());
      }
      p.setString(3, DeviceRows.text(k.role()));
      p.setString(4, k.label());
      p.setString(5, k.secretHash());
      p.setString(6, k.createdBy());
      p.setLong(7, k.createdAt());
      p.setLong(8, k.expiresAt());
      p.executeUpdate();
    }
  }

  static boolean delete(Connection c, String id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
      p.setString(1, id);
      return p.executeUpdate() > 0;
    }
  }

  private static List<ApiKey> read(PreparedStatement p) throws SQLException {
    List<ApiKey> keys = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        keys.add(
            new ApiKey(
                r.getString(1),
                r.getString(2),
                AdminRole.valueOf(r.getString(3).toUpperCase(Locale.ROOT)),
                r.getString(4),
                r.getString(5),
                r.getString(6),
                r.getLong(7),
                r.getLong(8)));
      }
    }
    return keys;
  }
}
