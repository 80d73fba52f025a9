package dev.switchboard.app;

import dev.switchboard.bench.ClientNames;
import dev.switchboard.bench.Scenario;
import dev.switchboard.bench.Scenario.PublisherGroup;
import dev.switchboard.bench.Scenario.SubscriberGroup;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet of {@code bench hubs}: {@code groups} groups of {@code perGroup} devices, every device
 * a client of the run that logs in as itself, either all in one hub or each group in a hub of its
 * own. Both layouts run the very same clients, topics and subscriptions; only the hubs differ, so
 * that the figures show what hubs cost the routing.
 *
 * <p>Every device of a group subscribes or publishes under {@code <scenario>/<group>/}: a few carry
 * the scenario's traffic, the rest hold a subscription of their own ({@code cmd/<group>/<index>},
 * as a device waiting for commands) that no message matches, so that the one hub holds every
 * device's subscription and each of the many hubs a hundredth of them.
 *
 * @param name {@code one-hub} or {@code hubs}
 * @param hubs 1, or {@code groups}
 */
record HubLayout(String name, int hubs, int groups, int perGroup) {
  /** The hub of the one-hub layout (not {@code default}: its space is found by one check less). */
  static final String ONE_HUB = "bench";

  HubLayout {
    if (groups < 1 || perGroup < 4) {
      throw new IllegalArgumentException(
          "bench hubs needs at least one hub of at least 4 devices (--devices / --hubs)");
    }
  }

  static HubLayout oneHub(int groups, int perGroup) {
    return new HubLayout("one-hub", 1, groups, perGroup);
  }

  static HubLayout manyHubs(int groups, int perGroup) {
    return new HubLayout("hubs", groups, groups, perGroup);
  }

  String label() {
    return String.format("%,d hub%s x %,d", hubs, hubs == 1 ? "" : "s", groups * perGroup / hubs);
  }

  String hubOf(int group) {
    return hubs == 1 ? ONE_HUB : ONE_HUB + "-" + group;
  }

  /** The traffic of one of the two scenarios. */
  enum Traffic {
    /** A sink per group on {@code fanin/<g>/#}, one publisher in 50 at QoS 0, 64 bytes. */
    FAN_IN("fan-in-qos0"),
    /** One pair in 50 per group, each publisher to its own subscriber at QoS 1. */
    P2P("p2p-qos1");

    final String scenario;

    Traffic(String scenario) {
      this.scenario = scenario;
    }
  }

  /** Devices of a group that carry traffic (publishers; as many subscribers for p2p). */
  int active() {
    return Math.max(1, perGroup / 50);
  }

  /**
   * The scenario: subscriber groups and publisher groups in group order, which the device names of
   * {@link #devices} follow.
   */
  Scenario scenario(Traffic traffic, double rate, Duration duration, Duration warmup) {
    List<SubscriberGroup> subscribers = new ArrayList<>();
    List<PublisherGroup> publishers = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int listening = traffic == Traffic.FAN_IN ? 1 : active();
      subscribers.add(
          traffic == Traffic.FAN_IN
              ? new SubscriberGroup(1, 0, "fanin/" + g + "/#")
              : new SubscriberGroup(active(), 1, "p2p/" + g + "/%i"));
      subscribers.add(new SubscriberGroup(perGroup - listening - active(), 0, "cmd/" + g + "/%i"));
      publishers.add(
          traffic == Traffic.FAN_IN
              ? new PublisherGroup(active(), rate, 0, 64, "fanin/" + g + "/%i", 64)
              : new PublisherGroup(active(), rate, 1, 64, "p2p/" + g + "/%i", 64));
    }
    return new Scenario(
        traffic.scenario,
        publishers,
        subscribers,
        0,
        0,
        256,
        duration,
        warmup,
        Duration.ofSeconds(2));
  }

  /**
   * The registry's devices for {@code scenario} run with client ids starting {@code prefix}: every
   * client a device of its group's hub, its user name its client id, all with one password hash.
   * The scenario's groups come two subscriber groups and one publisher group per device group, as
   * {@link #scenario} makes them.
   */
  Map<String, List<Device>> devices(Scenario scenario, String prefix, String passwordHash) {
    Map<String, List<Device>> byHub = new LinkedHashMap<>();
    int subscriber = 0;
    int publisher = 0;
    for (int g = 0; g < groups; g++) {
      List<Device> devices = byHub.computeIfAbsent(hubOf(g), h -> new ArrayList<>());
      int subscribers =
          scenario.subscribers().get(2 * g).count() + scenario.subscribers().get(2 * g + 1).count();
      for (int i = 0; i < subscribers; i++) {
        devices.add(device(hubOf(g), ClientNames.subscriber(prefix, subscriber++), passwordHash));
      }
      for (int i = 0; i < scenario.publishers().get(g).count(); i++) {
        devices.add(device(hubOf(g), ClientNames.publisher(prefix, publisher++), passwordHash));
      }
    }
    return byHub;
  }

  private static Device device(String hub, String clientId, String passwordHash) {
    return Device.create(hub, clientId, clientId, passwordHash, System.currentTimeMillis());
  }

  /** Adds the layout's hubs and {@code devices} to an empty registry. */
  void register(RegistryRepository registry, Map<String, List<Device>> devices) {
    long now = System.currentTimeMillis();
    for (var hub : devices.entrySet()) {
      registry.addHub(Hub.create(hub.getKey(), now));
      for (Device d : hub.getValue()) {
        registry.add(d);
      }
    }
  }
}
