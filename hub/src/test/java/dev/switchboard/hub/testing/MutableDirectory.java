package dev.switchboard.hub.testing;

import dev.switchboard.hub.registry.StaticDirectory;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import java.util.List;

/** A directory the test replaces wholesale, as the live one does on a reload. */
public final class MutableDirectory implements DeviceDirectory {
  private volatile StaticDirectory current = StaticDirectory.empty();

  public MutableDirectory set(List<Device> devices, List<AccessRule> rules) {
    current = new StaticDirectory(devices, rules);
    return this;
  }

  public MutableDirectory devices(Device... devices) {
    return set(List.of(devices), List.of());
  }

  @Override
  public Device byClientId(String clientId) {
    return current.byClientId(clientId);
  }

  @Override
  public Device byUsername(String username) {
    return current.byUsername(username);
  }

  @Override
  public List<AccessRule> rulesFor(String clientId) {
    return current.rulesFor(clientId);
  }

  @Override
  public List<AccessRule> globalRules() {
    return current.globalRules();
  }
}
