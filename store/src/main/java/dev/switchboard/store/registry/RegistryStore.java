package dev.switchboard.store.registry;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.AdministrationRepository;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.ApiKey;
import dev.switchboard.hub.registry.model.AuditEntry;
import dev.switchboard.hub.registry.model.Dashboard;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryException.Kind;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.hub.stash.StashRepository;
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
 * The registry ({@link RegistryRepository}: hubs, their devices and rules, administrators) on
 * SQLite or PostgreSQL, and beside it the HTTP API's keys and audit log ({@link
 * AdministrationRepository}).
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
public final class RegistryStore
    implements RegistryRepository, AdministrationRepository, StashRepository {
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
  public Optional<Hub> hub(String name) {
    Objects.requireNonNull(name, "name");
    return read("reading a hub", c -> HubRows.byName(c, name));
  }

  @Override
  public List<Hub> hubs() {
    return read("reading the hubs", HubRows::all);
  }

  @Override
  public void addHub(Hub hub) {
    Objects.requireNonNull(hub, "hub");
    change(
        "adding a hub",
        c -> {
          if (HubRows.exists(c, hub.name())) {
            throw new RegistryException(Kind.EXISTS, "hub '" + hub.name() + "' exists already");
          }
          HubRows.insert(c, hub);
          return bumpVersion(c);
        });
  }

  @Override
  public void updateHub(Hub hub) {
    Objects.requireNonNull(hub, "hub");
    change(
        "updating a hub",
        c -> {
          if (!HubRows.update(c, hub, clock.millis())) {
            throw hubNotFound(hub.name());
          }
          return bumpVersion(c);
        });
  }

  @Override
  public boolean removeHub(String name, boolean evenWithDevices) {
    Objects.requireNonNull(name, "name");
    return change(
        "removing a hub",
        c -> {
          if (!HubRows.exists(c, name)) {
            return false;
          }
          if (name.equals(Hub.DEFAULT)) {
            throw new RegistryException(
                Kind.IN_USE,
                "hub 'default' cannot be removed: it is where every device without a hub is");
          }
          long devices = DeviceRows.count(c, name);
          if (devices > 0 && !evenWithDevices) {
            throw new RegistryException(
                Kind.IN_USE,
                "hub '"
                    + name
                    + "' has "
                    + devices
                    + (devices == 1 ? " device" : " devices")
                    + "; removing it would delete them with their rules");
          }
          return HubRows.delete(c, name) && bumpVersion(c);
        });
  }

  @Override
  public Optional<Device> device(String hub, String clientId) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(clientId, "clientId");
    return read("reading a device", c -> DeviceRows.byClientId(c, hub, clientId));
  }

  @Override
  public Optional<Device> deviceByUsername(String hub, String username) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(username, "username");
    return read("reading a device", c -> DeviceRows.byUsername(c, hub, username));
  }

  @Override
  public List<Device> devices(String hub) {
    Objects.requireNonNull(hub, "hub");
    return read("reading the devices", c -> DeviceRows.all(c, hub));
  }

  @Override
  public List<Device> devices() {
    return read("reading the devices", c -> DeviceRows.all(c, null));
  }

  @Override
  public void add(Device device) {
    Objects.requireNonNull(device, "device");
    change(
        "adding a device",
        c -> {
          Hub hub = HubRows.byName(c, device.hub()).orElseThrow(() -> hubNotFound(device.hub()));
          if (DeviceRows.exists(c, device.hub(), device.clientId())) {
            throw new RegistryException(
                Kind.EXISTS,
                "device '" + device.clientId() + "' exists already" + inHub(device.hub()));
          }
          int limit = hub.limits().devices();
          if (limit > 0 && DeviceRows.count(c, hub.name()) >= limit) {
            throw new RegistryException(
                Kind.LIMIT,
                "hub '" + hub.name() + "' has reached its limit of " + limit + " devices");
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
          if (DeviceRows.createdAt(c, device.hub(), device.clientId()).isEmpty()) {
            throw notFound(device.hub(), device.clientId());
          }
          refuseTakenUsername(c, device);
          DeviceRows.update(c, device, clock.millis());
          bumpVersion(c);
          return null;
        });
  }

  @Override
  public boolean remove(String hub, String clientId) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(clientId, "clientId");
    return change("removing a device", c -> DeviceRows.delete(c, hub, clientId) && bumpVersion(c));
  }

  @Override
  public List<AccessRule> rules() {
    return read("reading the access rules", RuleRows::all);
  }

  @Override
  public List<AccessRule> rules(String hub, String clientId) {
    Objects.requireNonNull(hub, "hub");
    return read("reading the access rules", c -> RuleRows.of(c, hub, clientId));
  }

  @Override
  public AccessRule addRule(AccessRule rule) {
    Objects.requireNonNull(rule, "rule");
    long id =
        change(
            "adding an access rule",
            c -> {
              if (!HubRows.exists(c, rule.hub())) {
                throw hubNotFound(rule.hub());
              }
              if (rule.clientId() != null && !DeviceRows.exists(c, rule.hub(), rule.clientId())) {
                throw notFound(rule.hub(), rule.clientId());
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

  @Override
  public Optional<Admin> admin(String name) {
    Objects.requireNonNull(name, "name");
    return read("reading an administrator", c -> AdminRows.byName(c, name));
  }

  @Override
  public List<Admin> admins() {
    return read("reading the administrators", AdminRows::all);
  }

  @Override
  public void addAdmin(Admin admin) {
    Objects.requireNonNull(admin, "admin");
    change(
        "adding an administrator",
        c -> {
          if (AdminRows.byName(c, admin.name()).isPresent()) {
            throw new RegistryException(
                Kind.EXISTS, "administrator '" + admin.name() + "' exists already");
          }
          if (admin.hub() != null && !HubRows.exists(c, admin.hub())) {
            throw hubNotFound(admin.hub());
          }
          AdminRows.insert(c, admin);
          return bumpVersion(c);
        });
  }

  @Override
  public void updateAdmin(Admin admin) {
    Objects.requireNonNull(admin, "admin");
    change(
        "updating an administrator",
        c -> {
          if (!AdminRows.update(c, admin, clock.millis())) {
            throw new RegistryException(
                Kind.NOT_FOUND, "administrator '" + admin.name() + "' does not exist");
          }
          return bumpVersion(c);
        });
  }

  @Override
  public boolean removeAdmin(String name) {
    Objects.requireNonNull(name, "name");
    return change(
        "removing an administrator",
        c -> {
          Optional<Admin> admin = AdminRows.byName(c, name);
          if (admin.isEmpty()) {
            return false;
          }
          if (admin.get().serverWide() && AdminRows.serverWideCount(c) == 1) {
            throw new RegistryException(
                Kind.IN_USE,
                "'" + name + "' is the last server administrator; add another one first");
          }
          return AdminRows.delete(c, name) && bumpVersion(c);
        });
  }

  @Override
  public List<Device> devices(String hub, String afterClientId, int limit) {
    Objects.requireNonNull(hub, "hub");
    return read("reading the devices", c -> DeviceRows.page(c, hub, afterClientId, limit));
  }

  @Override
  public Optional<ApiKey> apiKey(String id) {
    Objects.requireNonNull(id, "id");
    return read("reading an API key", c -> ApiKeyRows.byId(c, id));
  }

  @Override
  public List<ApiKey> apiKeys(String hub) {
    return read("reading the API keys", c -> ApiKeyRows.all(c, hub));
  }

  @Override
  public void addApiKey(ApiKey key) {
    Objects.requireNonNull(key, "key");
    database.write(
        "adding an API key",
        c -> {
          if (ApiKeyRows.byId(c, key.id()).isPresent()) {
            throw new RegistryException(Kind.EXISTS, "API key '" + key.id() + "' exists already");
          }
          if (key.hub() != null && !HubRows.exists(c, key.hub())) {
            throw hubNotFound(key.hub());
          }
          ApiKeyRows.insert(c, key);
          return null;
        });
  }

  @Override
  public boolean removeApiKey(String id) {
    Objects.requireNonNull(id, "id");
    return database.write("removing an API key", c -> ApiKeyRows.delete(c, id));
  }

  @Override
  public AuditEntry appendAudit(AuditEntry entry) {
    Objects.requireNonNull(entry, "entry");
    long id = database.write("writing the audit log", c -> AuditRows.insert(c, entry));
    return entry.withId(id);
  }

  @Override
  public List<AuditEntry> audit(String hub, long beforeId, int limit) {
    return read("reading the audit log", c -> AuditRows.page(c, hub, beforeId, limit));
  }

  @Override
  public List<Dashboard> dashboards(String hub) {
    Objects.requireNonNull(hub, "hub");
    return read("reading the dashboards", c -> DashboardRows.ofHub(c, hub));
  }

  @Override
  public Optional<Dashboard> dashboard(String hub, String name) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(name, "name");
    return read("reading a dashboard", c -> DashboardRows.byName(c, hub, name));
  }

  @Override
  public boolean saveDashboard(Dashboard dashboard) {
    Objects.requireNonNull(dashboard, "dashboard");
    return database.write(
        "saving a dashboard",
        c -> {
          if (!HubRows.exists(c, dashboard.hub())) {
            throw hubNotFound(dashboard.hub());
          }
          if (DashboardRows.byName(c, dashboard.hub(), dashboard.name()).isPresent()) {
            DashboardRows.update(c, dashboard);
            return false;
          }
          DashboardRows.insert(c, dashboard);
          return true;
        });
  }

  @Override
  public boolean removeDashboard(String hub, String name) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(name, "name");
    return database.write("removing a dashboard", c -> DashboardRows.delete(c, hub, name));
  }

  @Override
  public List<Stash> allStashes() {
    return read("reading the stashes", StashRows::all);
  }

  @Override
  public List<Stash> stashes(String hub) {
    Objects.requireNonNull(hub, "hub");
    return read("reading the stashes", c -> StashRows.ofHub(c, hub));
  }

  @Override
  public Optional<Stash> stash(String hub, String name) {
    return read("reading a stash", c -> StashRows.byName(c, hub, name));
  }

  @Override
  public void addStash(Stash stash) {
    change(
        "adding a stash",
        c -> {
          if (!HubRows.exists(c, stash.hub())) {
            throw hubNotFound(stash.hub());
          }
          if (StashRows.byName(c, stash.hub(), stash.name()).isPresent()) {
            throw new RegistryException(
                Kind.EXISTS, "stash '" + stash.name() + "' exists" + inHub(stash.hub()));
          }
          StashRows.insert(c, stash);
          return bumpVersion(c);
        });
  }

  @Override
  public void updateStash(Stash stash) {
    change(
        "changing a stash",
        c -> {
          if (!StashRows.update(c, stash)) {
            throw stashNotFound(stash.hub(), stash.name());
          }
          return bumpVersion(c);
        });
  }

  @Override
  public boolean removeStash(String hub, String name) {
    return change("removing a stash", c -> StashRows.delete(c, hub, name) && bumpVersion(c));
  }

  private static RegistryException stashNotFound(String hub, String name) {
    return new RegistryException(
        Kind.NOT_FOUND, "stash '" + name + "' does not exist" + inHub(hub));
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
        c ->
            new RegistrySnapshot(
                version(c), HubRows.all(c), DeviceRows.all(c, null), RuleRows.all(c)));
  }

  @Override
  public void close() {
    database.close();
  }

  /** Quota settings and saved counts, in this registry (schema version 6). */
  public QuotaStore quotas() {
    return new QuotaStore(this, clock);
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
    Optional<String> owner = DeviceRows.clientIdOf(c, device.hub(), device.username());
    if (owner.isPresent() && !owner.get().equals(device.clientId())) {
      throw new RegistryException(
          Kind.EXISTS,
          "user name '"
              + device.username()
              + "' is taken by device '"
              + owner.get()
              + "'"
              + inHub(device.hub()));
    }
  }

  static RegistryException notFound(String hub, String clientId) {
    return new RegistryException(
        Kind.NOT_FOUND, "device '" + clientId + "' does not exist" + inHub(hub));
  }

  static RegistryException hubNotFound(String hub) {
    return new RegistryException(Kind.NOT_FOUND, "hub '" + hub + "' does not exist");
  }

  /**
   * Names the hub in a message, but not hub {@code default}: a single-user install never sees the
   * word.
   */
  private static String inHub(String hub) {
    return Hub.DEFAULT.equals(hub) ? "" : " in hub '" + hub + "'";
  }

  /**
   * Runs {@code work}, which calls {@link #bumpVersion} when it changes anything, as one write
   * transaction. A refused change ({@link RegistryException}) rolls back, version and all.
   */
  <T> T change(String doing, SqlWork<T> work) {
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
  static boolean bumpVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE registry_version SET version = version + 1 WHERE id = 1");
    }
    return true;
  }

  /**
   * Runs {@code work} in a read transaction. A row the model refuses (edited by hand into something
   * the registry never writes) is damage, named as such.
   */
  <T> T read(String doing, SqlWork<T> work) {
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
