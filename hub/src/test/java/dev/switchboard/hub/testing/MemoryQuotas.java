package dev.switchboard.hub.testing;

import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.QuotaRepository;
import dev.switchboard.hub.quota.SavedCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link QuotaRepository} in memory, for tests of what reads quotas: hubs and devices are taken
 * to exist (the store's refusals are its own tests').
 */
public final class MemoryQuotas implements QuotaRepository {
  private final TreeMap<String, HubQuota> hubs = new TreeMap<>();
  private final TreeMap<String, DeviceQuota> devices = new TreeMap<>();
  private final TreeMap<String, SavedCounter> counters = new TreeMap<>();
  private long version;

  @Override
  public synchronized List<HubQuota> hubQuotas() {
    return List.copyOf(hubs.values());
  }

  @Override
  public synchronized HubQuota hubQuota(String hub) {
    return hubs.getOrDefault(hub, HubQuota.none(hub));
  }

  @Override
  public synchronized void setHubQuota(HubQuota quota) {
    hubs.put(quota.hub(), quota);
    version++;
  }

  @Override
  public synchronized List<DeviceQuota> deviceQuotas() {
    return List.copyOf(devices.values());
  }

  @Override
  public synchronized Optional<DeviceQuota> deviceQuota(String hub, String clientId) {
    return Optional.ofNullable(devices.get(hub + "\0" + clientId));
  }

  @Override
  public synchronized void setDeviceQuota(DeviceQuota quota) {
    if (quota.followsHub()) {
      devices.remove(quota.hub() + "\0" + quota.clientId());
    } else {
      devices.put(quota.hub() + "\0" + quota.clientId(), quota);
    }
    version++;
  }

  @Override
  public synchronized List<SavedCounter> savedCounters() {
    return new ArrayList<>(counters.values());
  }

  @Override
  public synchronized void saveCounters(List<SavedCounter> saved) {
    for (SavedCounter c : saved) {
      counters.put(c.hub() + "\0" + c.clientId() + "\0" + c.window(), c);
    }
  }

  @Override
  public synchronized void deleteCounters(String hub, String clientId) {
    counters.keySet().removeIf(k -> k.startsWith(hub + "\0" + clientId + "\0"));
  }

  @Override
  public synchronized long version() {
    return version;
  }
}
