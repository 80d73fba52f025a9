package dev.switchboard.hub.registry;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.Hub;
import java.util.Comparator;
import java.util.List;

/** A {@link DeviceDirectory} fixed at construction: for tests, tools and a registry in a file. */
public final class StaticDirectory implements DeviceDirectory {
  /** Evaluation order of rules of one kind (a device's, or the global ones). */
  public static final Comparator<AccessRule> EVALUATION_ORDER = DirectoryIndex.EVALUATION_ORDER;

  private final DirectoryIndex index;

  /**
   * @param devices the devices; client ids and user names must be unique within their hub
   * @param rules device rules (with a client id) and global rules (without), in any order; rules of
   *     equal priority and id keep the order given
   */
  public StaticDirectory(List<Device> devices, List<AccessRule> rules) {
    this(List.of(Hub.create(Hub.DEFAULT, 0)), devices, rules);
  }

  /**
   * @param hubs the hubs; those the devices and rules name but that are not here are active and
   *     without limits
   */
  public StaticDirectory(List<Hub> hubs, List<Device> devices, List<AccessRule> rules) {
    this.index = new DirectoryIndex(hubs, devices, rules);
  }

  public static StaticDirectory empty() {
    return new StaticDirectory(List.of(), List.of());
  }

  @Override
  public Hub hub(String name) {
    return index.hub(name);
  }

  @Override
  public Device byClientId(String hub, String clientId) {
    return index.byClientId(hub, clientId);
  }

  @Override
  public Device byUsername(String hub, String username) {
    return index.byUsername(hub, username);
  }

  @Override
  public List<String> hubsWithUsername(String username) {
    return index.hubsWithUsername(username);
  }

  @Override
  public List<AccessRule> rulesFor(String hub, String clientId) {
    return index.rulesFor(hub, clientId);
  }

  @Override
  public List<AccessRule> globalRules(String hub) {
    return index.globalRules(hub);
  }

  @Override
  public Object rulesEpoch() {
    return index; // fixed at construction
  }
}
