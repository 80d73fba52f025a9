package dev.switchboard.store.registry;

import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.mqtt.packet.Subscription;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A device's rows: one in {@code devices}, one per subscription in {@code device_subscriptions} and
 * one per address block in {@code device_sources}, the last two in the device's order. The SQL is
 * the same on SQLite and PostgreSQL.
 */
final class DeviceRows {
  private static final String COLUMNS =
      "client_id, username, password_hash, enabled, replace_policy, strict_client_id,"
          + " subscriptions_frozen, created_at, updated_at";

  private DeviceRows() {}

  static Optional<Device> byClientId(Connection c, String clientId) throws SQLException {
    List<Device> found = load(c, clientId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  static Optional<Device> byUsername(Connection c, String username) throws SQLException {
    Optional<String> clientId = clientIdOf(c, username);
    return clientId.isEmpty() ? Optional.empty() : byClientId(c, clientId.get());
  }

  /** Every device, by client id. */
  static List<Device> all(Connection c) throws SQLException {
    return load(c, null);
  }

  static boolean exists(Connection c, String clientId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM devices WHERE client_id = ?")) {
      p.setString(1, clientId);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  /** The client id of the device that logs in as {@code username}. */
  static Optional<String> clientIdOf(Connection c, String username) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT client_id FROM devices WHERE username = ?")) {
      p.setString(1, username);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  /** The device's creation time, or empty when there is no such device. */
  static Optional<Long> createdAt(Connection c, String clientId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT created_at FROM devices WHERE client_id = ?")) {
      p.setString(1, clientId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
      }
    }
  }

  static void insert(Connection c, Device d) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO devices (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, d.clientId());
      p.setString(2, d.username());
      setNullable(p, 3, d.passwordHash());
      p.setBoolean(4, d.enabled());
      p.setString(5, text(d.replacePolicy()));
      p.setBoolean(6, d.strictClientId());
      p.setBoolean(7, d.subscriptionsFrozen());
      p.setLong(8, d.createdAt());
      p.setLong(9, d.updatedAt());
      p.executeUpdate();
    }
    insertLists(c, d);
  }

  /** Replaces every field of the stored device but its creation time. */
  static void update(Connection c, Device d, long updatedAt) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE devices SET username = ?, password_hash = ?, enabled = ?, replace_policy = ?,"
                + " strict_client_id = ?, subscriptions_frozen = ?, updated_at = ?"
                + " WHERE client_id = ?")) {
      p.setString(1, d.username());
      setNullable(p, 2, d.passwordHash());
      p.setBoolean(3, d.enabled());
      p.setString(4, text(d.replacePolicy()));
      p.setBoolean(5, d.strictClientId());
      p.setBoolean(6, d.subscriptionsFrozen());
      p.setLong(7, updatedAt);
      p.setString(8, d.clientId());
      p.executeUpdate();
    }
    for (String table : List.of("device_subscriptions", "device_sources")) {
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM " + table + " WHERE client_id = ?")) {
        p.setString(1, d.clientId());
        p.executeUpdate();
      }
    }
    insertLists(c, d);
  }

  /** Deletes the device; its subscriptions, sources and rules go with it (foreign keys). */
  static boolean delete(Connection c, String clientId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM devices WHERE client_id = ?")) {
      p.setString(1, clientId);
      return p.executeUpdate() > 0;
    }
  }

  private static void insertLists(Connection c, Device d) throws SQLException {
    if (!d.subscriptions().isEmpty()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO device_subscriptions (client_id, position, filter, qos, no_local,"
                  + " retain_as_published, retain_handling) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        int position = 0;
        for (Subscription s : d.subscriptions()) {
          p.setString(1, d.clientId());
          p.setInt(2, position++);
          p.setString(3, s.filter());
          p.setInt(4, s.qos());
          p.setBoolean(5, s.noLocal());
          p.setBoolean(6, s.retainAsPublished());
          p.setInt(7, s.retainHandling());
          p.addBatch();
        }
        p.executeBatch();
      }
    }
    if (!d.allowedSources().isEmpty()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO device_sources (client_id, position, cidr) VALUES (?, ?, ?)")) {
        int position = 0;
        for (Cidr cidr : d.allowedSources()) {
          p.setString(1, d.clientId());
          p.setInt(2, position++);
          p.setString(3, cidr.toString());
          p.addBatch();
        }
        p.executeBatch();
      }
    }
  }

  /**
   * The device {@code clientId}, or every device when it is null: three queries whatever their
   * number, the lists grouped by client id.
   *
   * @throws IllegalArgumentException for a row the model refuses (edited by hand, say)
   */
  private static List<Device> load(Connection c, String clientId) throws SQLException {
    String where = clientId == null ? "" : " WHERE client_id = ?";
    Map<String, List<Subscription>> subscriptions = new HashMap<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT client_id, filter, qos, no_local, retain_as_published, retain_handling"
                + " FROM device_subscriptions"
                + where
                + " ORDER BY client_id, position")) {
      bind(p, clientId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          subscriptions
              .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
              .add(
                  new Subscription(
                      r.getString(2), r.getInt(3), r.getBoolean(4), r.getBoolean(5), r.getInt(6)));
        }
      }
    }
    Map<String, List<Cidr>> sources = new HashMap<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT client_id, cidr FROM device_sources"
                + where
                + " ORDER BY client_id, position")) {
      bind(p, clientId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          sources
              .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
              .add(Cidr.parse(r.getString(2)));
        }
      }
    }
    List<Device> devices = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM devices" + where + " ORDER BY client_id")) {
      bind(p, clientId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String id = r.getString(1);
          devices.add(
              new Device(
                  id,
                  r.getString(2),
                  r.getString(3),
                  r.getBoolean(4),
                  ReplacePolicy.valueOf(r.getString(5).toUpperCase(Locale.ROOT)),
                  r.getBoolean(6),
                  r.getBoolean(7),
                  subscriptions.getOrDefault(id, List.of()),
                  sources.getOrDefault(id, List.of()),
                  r.getLong(8),
                  r.getLong(9)));
        }
      }
    }
    return devices;
  }

  private static void bind(PreparedStatement p, String clientId) throws SQLException {
    if (clientId != null) {
      p.setString(1, clientId);
    }
  }

  private static void setNullable(PreparedStatement p, int index, String value)
      throws SQLException {
    if (value == null) {
      p.setNull(index, Types.VARCHAR);
    } else {
      p.setString(index, value);
    }
  }

  /** Enums are stored as their names in lower case. */
  static String text(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
