package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.HubStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Hubs' rows in {@code hubs}; the SQL is the same on SQLite and PostgreSQL. */
final class HubRows {
  private static final String COLUMNS =
      "name, display_name, status, max_devices, max_connections, max_message_size, max_retained,"
          + " max_queued_messages, created_at, updated_at";

  private HubRows() {}

  static Optional<Hub> byName(Connection c, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM hubs WHERE name = ?")) {
      p.setString(1, name);
      List<Hub> found = read(p);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** Every hub, by name. */
  static List<Hub> all(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM hubs ORDER BY name")) {
      return read(p);
    }
  }

  static boolean exists(Connection c, String name) throws SQLException {
    return byName(c, name).isPresent();
  }

  static void insert(Connection c, Hub h) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO hubs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, h.name());
      p.setString(2, h.displayName());
      p.setString(3, DeviceRows.text(h.status()));
      setLimits(p, 4, h.limits());
      p.setLong(9, h.createdAt());
      p.setLong(10, h.updatedAt());
      p.executeUpdate();
    }
  }

  /** Replaces every field of the stored hub but its creation time; whether there was one. */
  static boolean update(Connection c, Hub h, long updatedAt) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE hubs SET display_name = ?, status = ?, max_devices = ?, max_connections = ?,"
                + " max_message_size = ?, max_retained = ?, max_queued_messages = ?,"
                + " updated_at = ? WHERE name = ?")) {
      p.setString(1, h.displayName());
      p.setString(2, DeviceRows.text(h.status()));
      setLimits(p, 3, h.limits());
      p.setLong(8, updatedAt);
      p.setString(9, h.name());
      return p.executeUpdate() > 0;
    }
  }

  /** Deletes the hub; its devices, rules and administrators go with it (foreign keys). */
  static boolean delete(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM hubs WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() > 0;
    }
  }

  private static void setLimits(PreparedStatement p, int first, HubLimits l) throws SQLException {
    p.setInt(first, l.devices());
    p.setInt(first + 1, l.connections());
    p.setInt(first + 2, l.messageSize());
    p.setInt(first + 3, l.retainedMessages());
    p.setInt(first + 4, l.queuedMessages());
  }

  /**
   * @throws IllegalArgumentException for a row the model refuses (edited by hand, say)
   */
  private static List<Hub> read(PreparedStatement p) throws SQLException {
    List<Hub> hubs = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        hubs.add(
            new Hub(
                r.getString(1),
                r.getString(2),
                HubStatus.valueOf(r.getString(3).toUpperCase(Locale.ROOT)),
                new HubLimits(r.getInt(4), r.getInt(5), r.getInt(6), r.getInt(7), r.getInt(8)),
                r.getLong(9),
                r.getLong(10)));
      }
    }
    return hubs;
  }
}
