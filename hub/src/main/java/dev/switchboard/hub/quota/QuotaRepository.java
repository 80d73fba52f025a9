package dev.switchboard.hub.quota;

import java.util.List;
import java.util.Optional;

/**
 * Where quota settings and saved counters are kept: the registry (schema version 6), so that a
 * change made from the command line while the server runs reaches it. Setting changes move {@link
 * #version()}, which the server polls; saving counters does not (the server writes them every few
 * seconds and nothing else needs to hear of it). Changes refused because of what the registry holds
 * throw {@link dev.switchboard.hub.registry.model.RegistryException} (no such hub or device).
 */
public interface QuotaRepository {

  /** Every hub's settings that differ from none; hubs without a row have {@link HubQuota#none}. */
  List<HubQuota> hubQuotas();

  /** A hub's settings; {@link HubQuota#none} when it set none. Refused for an unknown hub. */
  HubQuota hubQuota(String hub);

  /** Replaces a hub's settings; refused for an unknown hub. */
  void setHubQuota(HubQuota quota);

  /** Every device's own quota, of every hub. */
  List<DeviceQuota> deviceQuotas();

  /** A device's own quota; empty when it follows its hub. */
  Optional<DeviceQuota> deviceQuota(String hub, String clientId);

  /**
   * Replaces a device's own quota (one that {@link DeviceQuota#followsHub() follows its hub}
   * removes it); refused for an unknown device.
   */
  void setDeviceQuota(DeviceQuota quota);

  /** Every saved counter. */
  List<SavedCounter> savedCounters();

  /**
   * Saves counters (replacing the same device's and window's), in one transaction; counters of
   * devices that no longer exist are skipped. Does not move the version.
   */
  void saveCounters(List<SavedCounter> counters);

  /** Deletes a device's saved counters. */
  void deleteCounters(String hub, String clientId);

  /** Moves with every change of the registry's settings, quotas included. */
  long version();
}
