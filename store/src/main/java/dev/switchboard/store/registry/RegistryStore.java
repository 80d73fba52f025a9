package dev.switchboard.store.registry;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryException.Kind;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.store.Database;
import dev.switchboard.store.Dialect;
import dev.switchboard.store.SqlWork;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The device registry ({@link RegistryRepository}) on SQLite or PostgreSQL.
 *
 * <p>The registry is edited from the command line ({@code switchboard devices ...}, another
 * process) while the broker runs, and the broker picks the changes up by polling {@link
 * #version()}, which goes up in the transaction of every change, and then reading a {@link
 * #snapshot()}. On SQLite the registry is therefore a file of its own, {@link
 * StoreConfig#registryPath()}, that several processes open at once: one that finds it busy waits
 * for the other's transaction (up to 5 seconds) instead of failing. On PostgreSQL its tables are in
 * the store's database.
 *
 * <p>Every change is one transaction. Changes refused because of what the registry holds throw
 * {@link RegistryException}; failures of the database throw {@link StoreException} with one line
 * naming it. Thread-safe.
 */
public final class RegistryStore implements RegistryRepository {
  private final Database database;
  private final String where;
  private final Clock clock;

  private RegistryStore(Database database, String where, Clock clock) {
    this.database = database;
    this.where = where;
    this.clock = clock;
  }

  /**
   * Opens the registry {@code config} describes, creating it if it does not exist, and brings its
   * schema up to date.
   *
   * @throws StoreException with one line naming the file or server when the registry cannot be
   *     used: damaged, newer than this code ({@code INCOMPATIBLE}), not writable, not reachable
   */
  public static RegistryStore open(StoreConfig config) {
    return open(config, Clock.systemUTC());
  }

  /** Like {@link #open(StoreConfig)}, with the clock {@link #update} takes its time from. */
  static RegistryStore open(StoreConfig config, Clock clock) {
    return new RegistryStore(Stores.openRegistryDatabase(config), config.registryWhere(), clock);
  }

  @Override
  public String describe() {
    return database.describe();
  }

  @Override
  public Optional<Device> device(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    return read("reading a device", c -> DeviceRows.byClientId(c, clientId));
  }

  @Override
  public Optional<Device> deviceByUsername(String username) {
    Objects.requireNonNull(username, "username");
    return read("reading a device", c -> DeviceRows.byUsername(c, username));
  }

  @Override
  public List<Device> devices() {
    return read("reading the devices", DeviceRows::all);
  }

  @Override
  public void add(Device device) {
    Objects.requireNonNull(device, "device");
    change(
        "adding a device",
        c -> {
          if (DeviceRows.exists(c, device.clientId())) {
            throw new RegistryException(
                Kind.EXISTS, "device '" + device.clientId() + "' exists already");
          }
          refuseTakenUsername(c, device);
          DeviceRows.insert(c, device);
          bumpVersion(c);
          return null;
        });
  }

  @Override
  public void update(Device device) {
    Objects.requireNonNull(device, "device");
    change(
        "updating a device",
        c -> {
          if (DeviceRows.createdAt(c, device.clientId()).isEmpty()) {
            throw notFound(device.clientId());
          }
          refuseTakenUsername(c, device);
          DeviceRows.update(c, device, clock.millis());
          bumpVersion(c);
          return null;
        });
  }

  @Override
  public boolean remove(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    return change("removing a device", c -> DeviceRows.delete(c, clientId) && bumpVersion(c));
  }

  @Override
  public List<AccessRule> rules() {
    return read("reading the access rules", RuleRows::all);
  }

  @Override
  public List<AccessRule> rules(String clientId) {
    return read("reading the access rules", c -> RuleRows.of(c, clientId));
  }

  @Override
  public AccessRule addRule(AccessRule rule) {
    Objects.requireNonNull(rule, "rule");
    long id =
        change(
            "adding an access rule",
            c -> {
              if (rule.clientId() != null && !DeviceRows.exists(c, rule.clientId())) {
                throw notFound(rule.clientId());
              }
              long newId = RuleRows.insert(c, rule);
              bumpVersion(c);
              return newId;
            });
    return rule.withId(id);
  }

  @Override
  public boolean removeRule(long id) {
    return change("removing an access rule", c -> RuleRows.delete(c, id) && bumpVersion(c));
  }

  /** {@inheritDoc} Here, one row read. */
  @Override
  public long version() {
    return read("reading the registry version", RegistryStore::version);
  }

  @Override
  public RegistrySnapshot snapshot() {
    return read(
        "reading the registry",
        c -> new RegistrySnapshot(version(c), DeviceRows.all(c), RuleRows.all(c)));
  }

  @Override
  public void close() {
    database.close();
  }

  /** For tests that look at the connection's settings. */
  Database database() {
    return database;
  }

  private static long version(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT version FROM registry_version WHERE id = 1")) {
      if (!r.next()) {
        throw new SQLException("registry_version has no row");
      }
      return r.getLong(1);
    }
  }

  private static void refuseTakenUsername(Connection c, Device device) throws SQLException {
    Optional<String> owner = DeviceRows.clientIdOf(c, device.username());
    if (owner.isPresent() && !owner.get().equals(device.clientId())) {
      throw new RegistryException(
          Kind.EXISTS,
          "user name '" + device.username() + "' is taken by device '" + owner.get() + "'");
    }
  }

  private static RegistryException notFound(String clientId) {
    return new RegistryException(Kind.NOT_FOUND, "device '" + clientId + "' does not exist");
  }

  /**
   * Runs {@code work}, which calls {@link #bumpVersion} when it changes anything, as one write
   * transaction. A refused change ({@link RegistryException}) rolls back, version and all.
   */
  private <T> T change(String doing, SqlWork<T> work) {
    return database.write(
        doing,
        c -> {
          if (database.dialect() == Dialect.POSTGRESQL) {
            // Writers take turns from here on: the checks each change makes before it writes
            // (a client id or user name taken?) then see every change committed before it.
            // SQLite's BEGIN IMMEDIATE has done the same.
            try (Statement s = c.createStatement()) {
              s.execute("SELECT version FROM registry_version WHERE id = 1 FOR UPDATE");
            }
          }
          return work.run(c);
        });
  }

  /** Counts a change, in its transaction; true, for chaining after a delete that found a row. */
  private static boolean bumpVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE registry_version SET version = version + 1 WHERE id = 1");
    }
    return true;
  }

  /**
   * Runs {@code work} in a read transaction. A row the model refuses (edited by hand into something
   * the registry never writes) is damage, named as such.
   */
  private <T> T read(String doing, SqlWork<T> work) {
    return database.read(
        doing,
        c -> {
          try {
            return work.run(c);
          } catch (IllegalArgumentException e) {
            throw new StoreException(
                StoreException.Kind.CORRUPT,
                "registry " + where + " holds a row it cannot read (" + e.getMessage() + ")",
                e);
          }
        });
  }
}
