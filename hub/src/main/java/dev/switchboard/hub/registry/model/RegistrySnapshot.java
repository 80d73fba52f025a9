package dev.switchboard.hub.registry.model;

import java.util.List;

/**
 * The whole registry as one transaction saw it.
 *
 * @param version the registry's version at that moment (it goes up with every change)
 * @param devices every device, by client id
 * @param rules every access rule, global and per device, by priority and then id
 */
public record RegistrySnapshot(long version, List<Device> devices, List<AccessRule> rules) {
  public RegistrySnapshot {
    devices = List.copyOf(devices);
    rules = List.copyOf(rules);
  }
}
