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
 * one per address block in {@code device_sources}, the last two in the device's order; each keyed
 * by hub and client id. The SQL is the same on SQLite and PostgreSQL.
 */
final class DeviceRows {
  private static final String COLUMNS =
      "hub, client_id, username, password_hash, enabled, replace_policy, strict_client_id,"
          + " subscriptions_frozen, created_at, updated_at";

  private DeviceRows() {}

  static Optional<Device> byClientId(Connection c, String hub, String clientId)
      throws SQLException {
    List<Device> found = load(c, hub, clientId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  static Optional<Device> byUsername(Connection c, String hub, String username)
      throws SQLException {
    Optional<String> clientId = clientIdOf(c, hub, username);
    return clientId.isEmpty() ? Optional.empty() : byClientId(c, hub, clientId.get());
  }

  /** Every device of {@code hub}, by client id; of every hub, by hub and client id, when null. */
  static List<Device> all(Connection c, String hub) throws SQLException {
    return load(c, hub, null);
  }

  static boolean exists(Connection c, String hub, String clientId) throws SQLException {
    return createdAt(c, hub, clientId).isPresent();
  }

  /** How many devices {@code hub} has. */
  static long count(Connection c, String hub) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM devices WHERE hub = ?")) {
      p.setString(1, hub);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** The client id of the device of {@code hub} that logs in as {@code username}. */
  static Optional<String> clientIdOf(Connection c, String hub, String username)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT client_id FROM devices WHERE hub = ? AND username = ?")) {
      p.setString(1, hub);
      p.setString(2, username);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  /** The device's creation time, or empty when there is no such device. */
  static Optional<Long> createdAt(Connection c, String hub, String clientId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT created_at FROM devices WHERE hub = ? AND client_id = ?")) {
      p.setString(1, hub);
      p.setString(2, clientId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
      }
    }
  }

  static void insert(Connection c, Device d) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO devices (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, d.hub());
      p.setString(2, d.clientId());
      p.setString(3, d.username());
      setNullable(p, 4, d.passwordHash());
      p.setBoolean(5, d.enabled());
      p.setString(6, text(d.replacePolicy()));
      p.setBoolean(7, d.strictClientId());
      p.setBoolean(8, d.subscriptionsFrozen());
      p.setLong(9, d.createdAt());
      p.setLong(10, d.updatedAt());
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
                + " WHERE hub = ? AND client_id = ?")) {
      p.setString(1, d.username());
      setNullable(p, 2, d.passwordHash());
      p.setBoolean(3, d.enabled());
      p.setString(4, text(d.replacePolicy()));
      p.setBoolean(5, d.strictClientId());
      p.setBoolean(6, d.subscriptionsFrozen());
      p.setLong(7, updatedAt);
      p.setString(8, d.hub());
      p.setString(9, d.clientId());
      p.executeUpdate();
    }
    for (String table : List.of("device_subscriptions", "device_sources")) {
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM " + table + " WHERE hub = ? AND client_id = ?")) {
        p.setString(1, d.hub());
        p.setString(2, d.clientId());
        p.executeUpdate();
      }
    }
    insertLists(c, d);
  }

  /** Deletes the device; its subscriptions, sources and rules go with it (foreign keys). */
  static boolean delete(Connection c, String hub, String clientId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM devices WHERE hub = ? AND client_id = ?")) {
      p.setString(1, hub);
      p.setString(2, clientId);
      return p.executeUpdate() > 0;
    }
  }

  private static void insertLists(Connection c, Device d) throws SQLException {
    if (!d.subscriptions().isEmpty()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO device_subscriptions (hub, client_id, position, filter, qos, no_local,"
                  + " retain_as_published, retain_handling) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        int position = 0;
        for (Subscription s : d.subscriptions()) {
          p.setString(1, d.hub());
          p.setString(2, d.clientId());
          p.setInt(3, position++);
          p.setString(4, s.filter());
          p.setInt(5, s.qos());
          p.setBoolean(6, s.noLocal());
          p.setBoolean(7, s.retainAsPublished());
          p.setInt(8, s.retainHandling());
          p.addBatch();
        }
        p.executeBatch();
      }
    }
    if (!d.allowedSources().isEmpty()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO device_sources (hub, client_id, position, cidr) VALUES (?, ?, ?, ?)")) {
        int position = 0;
        for (Cidr cidr : d.allowedSources()) {
          p.setString(1, d.hub());
          p.setString(2, d.clientId());
          p.setInt(3, position++);
          p.setString(4, cidr.toString());
          p.addBatch();
        }
        p.executeBatch();
      }
    }
  }

  /**
   * The device {@code clientId} of {@code hub}, every device of {@code hub} when the client id is
   * null, every device when both are: three queries whatever their number, the lists grouped by hub
   * and client id.
   *
   * @throws IllegalArgumentException for a row the model refuses (edited by hand, say)
   */
  private static List<Device> load(Connection c, String hub, String clientId) throws SQLException {
    String where =
        hub == null ? "" : clientId == null ? " WHERE hub = ?" : " WHERE hub = ? AND client_id = ?";
    return loadWhere(
        c,
        where,
        hub == null ? List.of() : clientId == null ? List.of(hub) : List.of(hub, clientId));
  }

  /**
   * Up to {@code limit} devices of {@code hub} whose client ids come after {@code after} (from the
   * first when null), by client id: the page's keys first, then its rows by key range, so that a
   * deep page costs what the first does.
   */
  static List<Device> page(Connection c, String hub, String after, int limit) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT client_id FROM devices WHERE hub = ?"
                + (after == null ? "" : " AND client_id > ?")
                + " ORDER BY client_id LIMIT ?")) {
      int i = 1;
      p.setString(i++, hub);
      if (after != null) {
        p.setString(i++, after);
      }
      p.setInt(i, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    return loadWhere(
        c,
        " WHERE hub = ? AND client_id >= ? AND client_id <= ?",
        List.of(hub, ids.get(0), ids.get(ids.size() - 1)));
  }

  private static List<Device> loadWhere(Connection c, String where, List<String> params)
      throws SQLException {
    Map<String, List<Subscription>> subscriptions = new HashMap<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT hub, client_id, filter, qos, no_local, retain_as_published, retain_handling"
                + " FROM device_subscriptions"
                + where
                + " ORDER BY hub, client_id, position")) {
      bind(p, params);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          subscriptions
              .computeIfAbsent(key(r.getString(1), r.getString(2)), k -> new ArrayList<>())
              .add(
                  new Subscription(
                      r.getString(3), r.getInt(4), r.getBoolean(5), r.getBoolean(6), r.getInt(7)));
        }
      }
    }
    Map<String, List<Cidr>> sources = new HashMap<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT hub, client_id, cidr FROM device_sources"
                + where
                + " ORDER BY hub, client_id, position")) {
      bind(p, params);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          sources
              .computeIfAbsent(key(r.getString(1), r.getString(2)), k -> new ArrayList<>())
              .add(Cidr.parse(r.getString(3)));
        }
      }
    }
    List<Device> devices = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM devices" + where + " ORDER BY hub, client_id")) {
      bind(p, params);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String key = key(r.getString(1), r.getString(2));
          devices.add(
              new Device(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getBoolean(5),
                  ReplacePolicy.valueOf(r.getString(6).toUpperCase(Locale.ROOT)),
                  r.getBoolean(7),
                  r.getBoolean(8),
                  subscriptions.getOrDefault(key, List.of()),
                  sources.getOrDefault(key, List.of()),
                  r.getLong(9),
                  r.getLong(10)));
        }
      }
    }
    return devices;
  }

  private static String key(String hub, String clientId) {
    return hub + '\0' + clientId;
  }

  private static void bind(PreparedStatement p, List<String> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      p.setString(i + 1, params.get(i));
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
