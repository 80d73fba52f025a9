package dev.switchboard.store.registry;

import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.QuotaLimits;
import dev.switchboard.hub.quota.QuotaRepository;
import dev.switchboard.hub.quota.SavedCounter;
import dev.switchboard.hub.quota.Window;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Quotas in the registry (schema version 6; the SQL is the same on SQLite and PostgreSQL): hubs'
 * settings in {@code hub_quotas}, devices' own limits in {@code device_quotas}, and the day and
 * month counts the server saves in {@code quota_counters}. Setting changes are registry changes
 * (one transaction that moves the version, which the server polls); saving counts is not: it takes
 * no turn among the registry's writers and moves nothing, and a device removed meanwhile is skipped
 * rather than failing the batch.
 */
public final class QuotaStore implements QuotaRepository {
  private static final String LIMITS =
      "max_message_size, per_minute, per_hour, per_day, per_month, disconnect";

  private final RegistryStore registry;
  private final Clock clock;

  QuotaStore(RegistryStore registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public List<HubQuota> hubQuotas() {
    return registry.read(
        "reading the quotas",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT hub, measurer_size, " + LIMITS + " FROM hub_quotas ORDER BY hub")) {
            return hubs(p);
          }
        });
  }

  @Override
  public HubQuota hubQuota(String hub) {
    Objects.requireNonNull(hub, "hub");
    return registry.read(
        "reading a hub's quota",
        c -> {
          if (!HubRows.exists(c, hub)) {
            throw RegistryStore.hubNotFound(hub);
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT hub, measurer_size, " + LIMITS + " FROM hub_quotas WHERE hub = ?")) {
            p.setString(1, hub);
            List<HubQuota> found = hubs(p);
            return found.isEmpty() ? HubQuota.none(hub) : found.get(0);
          }
        });
  }

  private static List<HubQuota> hubs(PreparedStatement p) throws SQLException {
    List<HubQuota> list = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        list.add(
            new HubQuota(
                r.getString(1),
                r.getInt(2),
                new QuotaLimits(
                    r.getInt(3),
                    r.getLong(4),
                    r.getLong(5),
                    r.getLong(6),
                    r.getLong(7),
                    r.getBoolean(8))));
      }
    }
    return list;
  }

  @Override
  public void setHubQuota(HubQuota quota) {
    Objects.requireNonNull(quota, "quota");
    registry.change(
        "setting a hub's quota",
        c -> {
          if (!HubRows.exists(c, quota.hub())) {
            throw RegistryStore.hubNotFound(quota.hub());
          }
          try (PreparedStatement d = c.prepareStatement("DELETE FROM hub_quotas WHERE hub = ?")) {
            d.setString(1, quota.hub());
            d.executeUpdate();
          }
          QuotaLimits l = quota.defaults();
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO hub_quotas (hub, measurer_size, "
                      + LIMITS
                      + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, quota.hub());
            p.setInt(2, quota.measurerSize());
            p.setInt(3, l.maxMessageSize());
            p.setLong(4, l.perMinute());
            p.setLong(5, l.perHour());
            p.setLong(6, l.perDay());
            p.setLong(7, l.perMonth());
            p.setBoolean(8, l.disconnect());
            p.setLong(9, clock.millis());
            p.executeUpdate();
          }
          return RegistryStore.bumpVersion(c);
        });
  }

  @Override
  public List<DeviceQuota> deviceQuotas() {
    return registry.read(
        "reading the devices' quotas",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT hub, client_id, "
                      + LIMITS
                      + " FROM device_quotas ORDER BY hub, client_id")) {
            return devices(p);
          }
        });
  }

  @Override
  public Optional<DeviceQuota> deviceQuota(String hub, String clientId) {
    return registry.read(
        "reading a device's quota",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT hub, client_id, "
                      + LIMITS
                      + " FROM device_quotas WHERE hub = ? AND client_id = ?")) {
            p.setString(1, hub);
            p.setString(2, clientId);
            List<DeviceQuota> found = devices(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
          }
        });
  }

  private static List<DeviceQuota> devices(PreparedStatement p) throws SQLException {
    List<DeviceQuota> list = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        list.add(
            new DeviceQuota(
                r.getString(1),
                r.getString(2),
                r.getObject(3) == null ? null : r.getInt(3),
                nullableLong(r, 4),
                nullableLong(r, 5),
                nullableLong(r, 6),
                nullableLong(r, 7),
                r.getObject(8) == null ? null : r.getBoolean(8)));
      }
    }
    return list;
  }

  private static Long nullableLong(ResultSet r, int column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : v;
  }

  @Override
  public void setDeviceQuota(DeviceQuota quota) {
    Objects.requireNonNull(quota, "quota");
    registry.change(
        "setting a device's quota",
        c -> {
          if (!DeviceRows.exists(c, quota.hub(), quota.clientId())) {
            throw RegistryStore.notFound(quota.hub(), quota.clientId());
          }
          try (PreparedStatement d =
              c.prepareStatement("DELETE FROM device_quotas WHERE hub = ? AND client_id = ?")) {
            d.setString(1, quota.hub());
            d.setString(2, quota.clientId());
            d.executeUpdate();
          }
          if (!quota.followsHub()) {
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO device_quotas (hub, client_id, "
                        + LIMITS
                        + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              p.setString(1, quota.hub());
              p.setString(2, quota.clientId());
              setNullable(
                  p, 3, quota.maxMessageSize() == null ? null : (long) quota.maxMessageSize());
              setNullable(p, 4, quota.perMinute());
              setNullable(p, 5, quota.perHour());
              setNullable(p, 6, quota.perDay());
              setNullable(p, 7, quota.perMonth());
              if (quota.disconnect() == null) {
                p.setNull(8, Types.BOOLEAN);
              } else {
                p.setBoolean(8, quota.disconnect());
              }
              p.setLong(9, clock.millis());
              p.executeUpdate();
            }
          }
          return RegistryStore.bumpVersion(c);
        });
  }

  private static void setNullable(PreparedStatement p, int i, Long value) throws SQLException {
    if (value == null) {
      p.setNull(i, Types.BIGINT);
    } else {
      p.setLong(i, value);
    }
  }

  @Override
  public List<SavedCounter> savedCounters() {
    return registry.read(
        "reading the quota counts",
        c -> {
          List<SavedCounter> list = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT hub, client_id, span, window_start, used FROM quota_counters"
                          + " ORDER BY hub, client_id, span");
              ResultSet r = p.executeQuery()) {
            while (r.next()) {
              Window w = Window.of(r.getString(3));
              if (w != null) {
                list.add(
                    new SavedCounter(
                        r.getString(1), r.getString(2), w, r.getLong(4), r.getLong(5)));
              }
            }
          }
          return list;
        });
  }

  @Override
  public void saveCounters(List<SavedCounter> counters) {
    if (counters.isEmpty()) {
      return;
    }
    registry
        .database()
        .write(
            "saving the quota counts",
            c -> {
              // a device removed since it was counted is skipped: its counts went with it
              try (PreparedStatement p =
                  c.prepareStatement(
                      "INSERT INTO quota_counters (hub, client_id, span, window_start, used)"
                          + " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM devices"
                          + " WHERE hub = ? AND client_id = ?)"
                          + " ON CONFLICT (hub, client_id, span) DO UPDATE SET"
                          + " window_start = excluded.window_start, used = excluded.used")) {
                for (SavedCounter s : counters) {
                  p.setString(1, s.hub());
                  p.setString(2, s.clientId());
                  p.setString(3, s.window().key());
                  p.setLong(4, s.windowStart());
                  p.setLong(5, s.used());
                  p.setString(6, s.hub());
                  p.setString(7, s.clientId());
                  p.addBatch();
                }
                p.executeBatch();
              }
              return null;
            });
  }

  @Override
  public void deleteCounters(String hub, String clientId) {
    registry
        .database()
        .write(
            "resetting a device's quota counts",
            c -> {
              try (PreparedStatement p =
                  c.prepareStatement(
                      "DELETE FROM quota_counters WHERE hub = ? AND client_id = ?")) {
                p.setString(1, hub);
                p.setString(2, clientId);
                return p.executeUpdate();
              }
            });
  }

  @Override
  public long version() {
    return registry.version();
  }
}
