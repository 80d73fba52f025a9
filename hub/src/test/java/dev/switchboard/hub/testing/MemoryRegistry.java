package dev.switchboard.hub.testing;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.StaticDirectory;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistryException.Kind;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link RegistryRepository} in memory, for tests of what reads the registry: the same answers
 * and refusals as the store's, without a database. {@link #failReads} makes every read fail as a
 * store that cannot be reached does. Its update time is a counter, not a clock. It starts with hub
 * {@link Hub#DEFAULT}.
 */
public final class MemoryRegistry implements RegistryRepository {
  private final TreeMap<String, Hub> hubs = new TreeMap<>();
  private final TreeMap<String, Device> devices = new TreeMap<>(); // by hub NUL client id
  private final List<AccessRule> rules = new ArrayList<>();
  private final TreeMap<String, Admin> admins = new TreeMap<>();
  private long version;
  private long lastRuleId;
  private long now;
  private boolean failReads;

  public MemoryRegistry() {
    hubs.put(Hub.DEFAULT, Hub.create(Hub.DEFAULT, 0));
  }

  /** Whether every read from now on throws a {@link StoreException}, as an unreachable store. */
  public synchronized void failReads(boolean fail) {
    failReads = fail;
  }

  private static String key(String hub, String clientId) {
    return hub + '\0' + clientId;
  }

  @Override
  public synchronized Optional<Hub> hub(String name) {
    readable();
    return Optional.ofNullable(hubs.get(name));
  }

  @Override
  public synchronized List<Hub> hubs() {
    readable();
    return List.copyOf(hubs.values());
  }

  @Override
  public synchronized void addHub(Hub hub) {
    if (hubs.containsKey(hub.name())) {
      throw new RegistryException(Kind.EXISTS, "hub '" + hub.name() + "' exists already");
    }
    hubs.put(hub.name(), hub);
    version++;
  }

  @Override
  public synchronized void updateHub(Hub hub) {
    Hub old = hubs.get(hub.name());
    if (old == null) {
      throw new RegistryException(Kind.NOT_FOUND, "hub '" + hub.name() + "' does not exist");
    }
    hubs.put(
        hub.name(),
        new Hub(hub.name(), hub.displayName(), hub.status(), hub.limits(), old.createdAt(), ++now));
    version++;
  }

  @Override
  public synchronized boolean removeHub(String name, boolean evenWithDevices) {
    if (!hubs.containsKey(name)) {
      return false;
    }
    if (name.equals(Hub.DEFAULT)) {
      throw new RegistryException(Kind.IN_USE, "hub 'default' cannot be removed");
    }
    long count = devices.values().stream().filter(d -> d.hub().equals(name)).count();
    if (count > 0 && !evenWithDevices) {
      throw new RegistryException(Kind.IN_USE, "hub '" + name + "' has " + count + " devices");
    }
    hubs.remove(name);
    devices.values().removeIf(d -> d.hub().equals(name));
    rules.removeIf(r -> r.hub().equals(name));
    admins.values().removeIf(a -> name.equals(a.hub()));
    version++;
    return true;
  }

  @Override
  public synchronized Optional<Device> device(String hub, String clientId) {
    readable();
    return Optional.ofNullable(devices.get(key(hub, clientId)));
  }

  @Override
  public synchronized Optional<Device> deviceByUsername(String hub, String username) {
    readable();
    return devices.values().stream()
        .filter(d -> d.hub().equals(hub) && d.username().equals(username))
        .findFirst();
  }

  @Override
  public synchronized List<Device> devices(String hub) {
    readable();
    return devices.values().stream().filter(d -> d.hub().equals(hub)).toList();
  }

  @Override
  public synchronized List<Device> devices() {
    readable();
    return List.copyOf(devices.values());
  }

  @Override
  public synchronized void add(Device device) {
    requireHub(device.hub());
    if (devices.containsKey(key(device.hub(), device.clientId()))) {
      throw new RegistryException(Kind.EXISTS, "device '" + device.clientId() + "' exists already");
    }
    int limit = hubs.get(device.hub()).limits().devices();
    if (limit > 0 && devices(device.hub()).size() >= limit) {
      throw new RegistryException(
          Kind.LIMIT, "hub '" + device.hub() + "' has reached its limit of " + limit + " devices");
    }
    refuseTakenUsername(device);
    devices.put(key(device.hub(), device.clientId()), device);
    version++;
  }

  @Override
  public synchronized void update(Device device) {
    Device old = devices.get(key(device.hub(), device.clientId()));
    if (old == null) {
      throw notFound(device.clientId());
    }
    refuseTakenUsername(device);
    devices.put(
        key(device.hub(), device.clientId()),
        new Device(
            device.hub(),
            device.clientId(),
            device.username(),
            device.passwordHash(),
            device.enabled(),
            device.replacePolicy(),
            device.strictClientId(),
            device.subscriptionsFrozen(),
            device.subscriptions(),
            device.allowedSources(),
            old.createdAt(),
            ++now));
    version++;
  }

  @Override
  public synchronized boolean remove(String hub, String clientId) {
    if (devices.remove(key(hub, clientId)) == null) {
      return false;
    }
    rules.removeIf(r -> r.hub().equals(hub) && clientId.equals(r.clientId()));
    version++;
    return true;
  }

  @Override
  public synchronized List<AccessRule> rules() {
    readable();
    return sorted(rules);
  }

  @Override
  public synchronized List<AccessRule> rules(String hub, String clientId) {
    readable();
    return sorted(
        rules.stream()
            .filter(r -> r.hub().equals(hub))
            .filter(r -> clientId == null ? r.clientId() == null : clientId.equals(r.clientId()))
            .toList());
  }

  @Override
  public synchronized AccessRule addRule(AccessRule rule) {
    requireHub(rule.hub());
    if (rule.clientId() != null && !devices.containsKey(key(rule.hub(), rule.clientId()))) {
      throw notFound(rule.clientId());
    }
    AccessRule stored = rule.withId(++lastRuleId);
    rules.add(stored);
    version++;
    return stored;
  }

  @Override
  public synchronized boolean removeRule(long id) {
    boolean removed = rules.removeIf(r -> r.id() == id);
    if (removed) {
      version++;
    }
    return removed;
  }

  @Override
  public synchronized Optional<Admin> admin(String name) {
    readable();
    return Optional.ofNullable(admins.get(name));
  }

  @Override
  public synchronized List<Admin> admins() {
    readable();
    return List.copyOf(admins.values());
  }

  @Override
  public synchronized void addAdmin(Admin admin) {
    if (admins.containsKey(admin.name())) {
      throw new RegistryException(
          Kind.EXISTS, "administrator '" + admin.name() + "' exists already");
    }
    if (admin.hub() != null) {
      requireHub(admin.hub());
    }
    admins.put(admin.name(), admin);
    version++;
  }

  @Override
  public synchronized void updateAdmin(Admin admin) {
    Admin old = admins.get(admin.name());
    if (old == null) {
      throw new RegistryException(
          Kind.NOT_FOUND, "administrator '" + admin.name() + "' does not exist");
    }
    admins.put(
        admin.name(),
        new Admin(
            old.name(), old.hub(), admin.role(), admin.passwordHash(), old.createdAt(), ++now));
    version++;
  }

  @Override
  public synchronized boolean removeAdmin(String name) {
    Admin old = admins.get(name);
    if (old == null) {
      return false;
    }
    if (old.serverWide() && admins.values().stream().filter(Admin::serverWide).count() == 1) {
      throw new RegistryException(Kind.IN_USE, "'" + name + "' is the last server administrator");
    }
    admins.remove(name);
    version++;
    return true;
  }

  @Override
  public synchronized long version() {
    readable();
    return version;
  }

  @Override
  public synchronized RegistrySnapshot snapshot() {
    readable();
    return new RegistrySnapshot(
        version, List.copyOf(hubs.values()), List.copyOf(devices.values()), sorted(rules));
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {}

  private void readable() {
    if (failReads) {
      throw new StoreException(StoreException.Kind.UNAVAILABLE, "registry in memory: unreachable");
    }
  }

  private void requireHub(String hub) {
    if (!hubs.containsKey(hub)) {
      throw new RegistryException(Kind.NOT_FOUND, "hub '" + hub + "' does not exist");
    }
  }

  private void refuseTakenUsername(Device device) {
    for (Device other : devices.values()) {
      if (other.hub().equals(device.hub())
          && other.username().equals(device.username())
          && !other.clientId().equals(device.clientId())) {
        throw new RegistryException(
            Kind.EXISTS,
            "user name '" + device.username() + "' is taken by device '" + other.clientId() + "'");
      }
    }
  }

  private static RegistryException notFound(String clientId) {
    return new RegistryException(Kind.NOT_FOUND, "device '" + clientId + "' does not exist");
  }

  private static List<AccessRule> sorted(List<AccessRule> rules) {
    List<AccessRule> copy = new ArrayList<>(rules);
    copy.sort(
        Comparator.comparing(AccessRule::hub).thenComparing(StaticDirectory.EVALUATION_ORDER));
    return List.copyOf(copy);
  }
}
