package dev.switchboard.hub.registry;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link DeviceDirectory} fixed at construction: for tests, tools and a registry in a file. */
public final class StaticDirectory implements DeviceDirectory {
  /** Evaluation order of rules of one kind (a device's, or the global ones). */
  public static final Comparator<AccessRule> EVALUATION_ORDER =
      Comparator.comparingInt(AccessRule::priority).thenComparingLong(AccessRule::id);

  private final Map<String, Device> byClientId = new HashMap<>();
  private final Map<String, Device> byUsername = new HashMap<>();
  private final Map<String, List<AccessRule>> rulesByClientId;
  private final List<AccessRule> globalRules;

  /**
   * @param devices the devices; client ids and user names must be unique
   * @param rules device rules (with a client id) and global rules (without), in any order; rules of
   *     equal priority and id keep the order given
   */
  public StaticDirectory(List<Device> devices, List<AccessRule> rules) {
    for (Device d : devices) {
      if (byClientId.putIfAbsent(d.clientId(), d) != null) {
        throw new IllegalArgumentException("two devices with client id '" + d.clientId() + "'");
      }
      if (byUsername.putIfAbsent(d.username(), d) != null) {
        throw new IllegalArgumentException("two devices with user name '" + d.username() + "'");
      }
    }
    Map<String, List<AccessRule>> perDevice = new HashMap<>();
    List<AccessRule> global = new ArrayList<>();
    for (AccessRule r : rules) {
      if (r.clientId() == null) {
        global.add(r);
      } else {
        perDevice.computeIfAbsent(r.clientId(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, List<AccessRule>> sorted = new HashMap<>();
    perDevice.forEach((clientId, list) -> sorted.put(clientId, sortedCopy(list)));
    this.rulesByClientId = Map.copyOf(sorted);
    this.globalRules = sortedCopy(global);
  }

  public static StaticDirectory empty() {
    return new StaticDirectory(List.of(), List.of());
  }

  private static List<AccessRule> sortedCopy(List<AccessRule> rules) {
    List<AccessRule> copy = new ArrayList<>(rules);
    copy.sort(EVALUATION_ORDER); // stable: equal keys keep their order
    return List.copyOf(copy);
  }

  @Override
  public Device byClientId(String clientId) {
    return clientId == null ? null : byClientId.get(clientId);
  }

  @Override
  public Device byUsername(String username) {
    return username == null ? null : byUsername.get(username);
  }

  @Override
  public List<AccessRule> rulesFor(String clientId) {
    return clientId == null ? List.of() : rulesByClientId.getOrDefault(clientId, List.of());
  }

  @Override
  public List<AccessRule> globalRules() {
    return globalRules;
  }
}
