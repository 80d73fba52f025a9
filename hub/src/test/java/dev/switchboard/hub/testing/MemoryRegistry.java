package dev.switchboard.hub.testing;

import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.StaticDirectory;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link RegistryRepository} in memory, for tests of what reads the registry: the same answers
 * and refusals as the store's, without a database. {@link #failReads} makes every read fail as a
 * store that cannot be reached does. Its update time is a counter, not a clock.
 */
public final class MemoryRegistry implements RegistryRepository {
  private final TreeMap<String, Device> devices = new TreeMap<>();
  private final List<AccessRule> rules = new ArrayList<>();
  private long version;
  private long lastRuleId;
  private long now;
  private boolean failReads;

  /** Whether every read from now on throws a {@link StoreException}, as an unreachable store. */
  public synchronized void failReads(boolean fail) {
    failReads = fail;
  }

  @Override
  public synchronized Optional<Device> device(String clientId) {
    readable();
    return Optional.ofNullable(devices.get(clientId));
  }

  @Override
  public synchronized Optional<Device> deviceByUsername(String username) {
    readable();
    return devices.values().stream().filter(d -> d.username().equals(username)).findFirst();
  }

  @Override
  public synchronized List<Device> devices() {
    readable();
    return List.copyOf(devices.values());
  }

  @Override
  public synchronized void add(Device device) {
    if (devices.containsKey(device.clientId())) {
      throw new RegistryException(
          RegistryException.Kind.EXISTS, "device '" + device.clientId() + "' exists already");
    }
    refuseTakenUsername(device);
    devices.put(device.clientId(), device);
    version++;
  }

  @Override
  public synchronized void update(Device device) {
    Device old = devices.get(device.clientId());
    if (old == null) {
      throw notFound(device.clientId());
    }
    refuseTakenUsername(device);
    devices.put(
        device.clientId(),
        new Device(
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
  public synchronized boolean remove(String clientId) {
    if (devices.remove(clientId) == null) {
      return false;
    }
    rules.removeIf(r -> clientId.equals(r.clientId()));
    version++;
    return true;
  }

  @Override
  public synchronized List<AccessRule> rules() {
    readable();
    return sorted(rules);
  }

  @Override
  public synchronized List<AccessRule> rules(String clientId) {
    readable();
    return sorted(
        rules.stream()
            .filter(r -> clientId == null ? r.clientId() == null : clientId.equals(r.clientId()))
            .toList());
  }

  @Override
  public synchronized AccessRule addRule(AccessRule rule) {
    if (rule.clientId() != null && !devices.containsKey(rule.clientId())) {
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
  public synchronized long version() {
    readable();
    return version;
  }

  @Override
  public synchronized RegistrySnapshot snapshot() {
    readable();
    return new RegistrySnapshot(version, List.copyOf(devices.values()), sorted(rules));
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

  private void refuseTakenUsername(Device device) {
    for (Device other : devices.values()) {
      if (other.username().equals(device.username())
          && !other.clientId().equals(device.clientId())) {
        throw new RegistryException(
            RegistryException.Kind.EXISTS,
            "user name '" + device.username() + "' is taken by device '" + other.clientId() + "'");
      }
    }
  }

  private static RegistryException notFound(String clientId) {
    return new RegistryException(
        RegistryException.Kind.NOT_FOUND, "device '" + clientId + "' does not exist");
  }

  private static List<AccessRule> sorted(List<AccessRule> rules) {
    List<AccessRule> copy = new ArrayList<>(rules);
    copy.sort(StaticDirectory.EVALUATION_ORDER);
    return List.copyOf(copy);
  }
}
