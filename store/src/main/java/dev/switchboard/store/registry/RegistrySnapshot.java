package dev.switchboard.store.registry;

import java.util.List;

/**
 * The whole registry as one transaction saw it.
 *
 * @param version the registry's {@link RegistryStore#version() version} at that moment
 * @param devices every device, by client id
 * @param rules every access rule, global and per device, by priority and then id
 */
public record RegistrySnapshot(long version, List<Device> devices, List<AccessRule> rules) {
  public RegistrySnapshot {
    devices = List.copyOf(devices);
    rules = List.copyOf(rules);
  }
}
