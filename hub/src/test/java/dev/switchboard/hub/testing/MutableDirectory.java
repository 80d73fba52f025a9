package dev.switchboard.hub.testing;

import dev.switchboard.hub.registry.StaticDirectory;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.Hub;
import java.util.List;

/** A directory the test replaces wholesale, as the live one does on a reload. */
public class MutableDirectory implements DeviceDirectory {
  private volatile StaticDirectory current = StaticDirectory.empty();

  public MutableDirectory set(List<Device> devices, List<AccessRule> rules) {
    current = new StaticDirectory(devices, rules);
    return this;
  }

  public MutableDirectory set(List<Hub> hubs, List<Device> devices, List<AccessRule> rules) {
    current = new StaticDirectory(hubs, devices, rules);
    return this;
  }

  public MutableDirectory devices(Device... devices) {
    return set(List.of(devices), List.of());
  }

  @Override
  public Hub hub(String name) {
    return current.hub(name);
  }

  @Override
  public Device byClientId(String hub, String clientId) {
    return current.byClientId(hub, clientId);
  }

  @Override
  public Device byUsername(String hub, String username) {
    return current.byUsername(hub, username);
  }

  @Override
  public List<String> hubsWithUsername(String username) {
    return current.hubsWithUsername(username);
  }

  @Override
  public List<AccessRule> rulesFor(String hub, String clientId) {
    return current.rulesFor(hub, clientId);
  }

  @Override
  public List<AccessRule> globalRules(String hub) {
    return current.globalRules(hub);
  }

  @Override
  public Object rulesEpoch() {
    return current;
  }
}
