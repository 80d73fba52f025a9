package dev.switchboard.hub.registry.model;

import java.util.List;

/**
 * The whole registry as one transaction saw it.
 *
 * @param version the registry's version at that moment (it goes up with every change)
 * @param hubs every hub, by name
 * @param devices every device, by hub and client id
 * @param rules every access rule, global and per device, by priority and then id
 */
public record RegistrySnapshot(
    long version, List<Hub> hubs, List<Device> devices, List<AccessRule> rules) {
  public RegistrySnapshot {
    hubs = List.copyOf(hubs);
    devices = List.copyOf(devices);
    rules = List.copyOf(rules);
  }
}
