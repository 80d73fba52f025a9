package dev.switchboard.hub.registry;

import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Hubs, devices and rules indexed for the lookups authentication and authorization make: by hub,
 * then by client id or user name. Immutable; built once per registry version.
 */
final class DirectoryIndex {
  /** Evaluation order of rules of one kind (a device's, or the global ones). */
  static final Comparator<AccessRule> EVALUATION_ORDER =
      Comparator.comparingInt(AccessRule::priority).thenComparingLong(AccessRule::id);

  /** One hub's part. */
  record HubEntries(
      Hub hub,
      Map<String, Device> byClientId,
      Map<String, Device> byUsername,
      Map<String, List<AccessRule>> rulesByClient,
      List<AccessRule> globalRules) {}

  private final Map<String, HubEntries> hubs;
  private final Map<String, List<String>> hubsByUsername;
  private final int deviceCount;
  private final int ruleCount;

  /**
   * @param hubs the hubs; a device's or rule's hub that is not among them is indexed as an active
   *     hub without limits (a directory for tests and tools)
   * @param devices the devices; client ids and user names must be unique within their hub
   * @param rules device and global rules in any order; rules of equal priority and id keep the
   *     order given
   */
  DirectoryIndex(List<Hub> hubs, List<Device> devices, List<AccessRule> rules) {
    Map<String, Hub> hubByName = new HashMap<>();
    for (Hub h : hubs) {
      hubByName.put(h.name(), h);
    }
    Map<String, Map<String, Device>> byId = new HashMap<>();
    Map<String, Map<String, Device>> byName = new HashMap<>();
    Map<String, TreeSet<String>> usernameHubs = new HashMap<>();
    for (Device d : devices) {
      hubByName.computeIfAbsent(d.hub(), name -> Hub.create(name, 0));
      if (byId.computeIfAbsent(d.hub(), k -> new HashMap<>()).putIfAbsent(d.clientId(), d)
          != null) {
        throw new IllegalArgumentException(
            "two devices with client id '" + d.clientId() + "' in hub '" + d.hub() + "'");
      }
      if (byName.computeIfAbsent(d.hub(), k -> new HashMap<>()).putIfAbsent(d.username(), d)
          != null) {
        throw new IllegalArgumentException(
            "two devices with user name '" + d.username() + "' in hub '" + d.hub() + "'");
      }
      usernameHubs.computeIfAbsent(d.username(), k -> new TreeSet<>()).add(d.hub());
    }
    Map<String, Map<String, List<AccessRule>>> perDevice = new HashMap<>();
    Map<String, List<AccessRule>> global = new HashMap<>();
    for (AccessRule r : rules) {
      hubByName.computeIfAbsent(r.hub(), name -> Hub.create(name, 0));
      if (r.clientId() == null) {
        global.computeIfAbsent(r.hub(), k -> new ArrayList<>()).add(r);
      } else {
        perDevice
            .computeIfAbsent(r.hub(), k -> new HashMap<>())
            .computeIfAbsent(r.clientId(), k -> new ArrayList<>())
            .add(r);
      }
    }
    Map<String, HubEntries> entries = new HashMap<>();
    for (Hub h : hubByName.values()) {
      Map<String, List<AccessRule>> sorted = new HashMap<>();
      perDevice
          .getOrDefault(h.name(), Map.of())
          .forEach((clientId, list) -> sorted.put(clientId, sortedCopy(list)));
      entries.put(
          h.name(),
          new HubEntries(
              h,
              Map.copyOf(byId.getOrDefault(h.name(), Map.of())),
              Map.copyOf(byName.getOrDefault(h.name(), Map.of())),
              Map.copyOf(sorted),
              sortedCopy(global.getOrDefault(h.name(), List.of()))));
    }
    Map<String, List<String>> names = new HashMap<>();
    usernameHubs.forEach((username, set) -> names.put(username, List.copyOf(set)));
    this.hubs = Map.copyOf(entries);
    this.hubsByUsername = Map.copyOf(names);
    this.deviceCount = devices.size();
    this.ruleCount = rules.size();
  }

  private static List<AccessRule> sortedCopy(List<AccessRule> rules) {
    List<AccessRule> copy = new ArrayList<>(rules);
    copy.sort(EVALUATION_ORDER); // stable: equal keys keep their order
    return List.copyOf(copy);
  }

  /** The hub's entries; null when there is no such hub. */
  HubEntries entries(String hub) {
    return hub == null ? null : hubs.get(hub);
  }

  Iterable<HubEntries> all() {
    return hubs.values();
  }

  Hub hub(String name) {
    HubEntries e = entries(name);
    return e == null ? null : e.hub();
  }

  Device byClientId(String hub, String clientId) {
    HubEntries e = entries(hub);
    return e == null || clientId == null ? null : e.byClientId().get(clientId);
  }

  Device byUsername(String hub, String username) {
    HubEntries e = entries(hub);
    return e == null || username == null ? null : e.byUsername().get(username);
  }

  List<String> hubsWithUsername(String username) {
    return username == null ? List.of() : hubsByUsername.getOrDefault(username, List.of());
  }

  List<AccessRule> rulesFor(String hub, String clientId) {
    HubEntries e = entries(hub);
    return e == null || clientId == null
        ? List.of()
        : e.rulesByClient().getOrDefault(clientId, List.of());
  }

  List<AccessRule> globalRules(String hub) {
    HubEntries e = entries(hub);
    return e == null ? List.of() : e.globalRules();
  }

  int hubCount() {
    return hubs.size();
  }

  int deviceCount() {
    return deviceCount;
  }

  int ruleCount() {
    return ruleCount;
  }
}
