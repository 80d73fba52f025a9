package dev.switchboard.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.hub.auth.HubSelector;
import dev.switchboard.hub.registry.model.RegistryValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code switchboard.hubs} settings: listeners dedicated to one hub ({@code listeners { team3 =
 * 1884 }}: plain MQTT on that port, named {@code hub-team3}, whose clients are all in hub {@code
 * team3}), host names mapped to hubs ({@code hosts { "team3.lab.example" = team3 }}, the TLS SNI
 * name or WebSocket {@code Host} header a client asked for) and a domain under which {@code
 * <hub>.<domain>} names a hub ({@code host-domain}). Every problem is a {@link ConfigError} naming
 * the setting.
 *
 * @param listenerPorts hub to the port of its dedicated listener
 * @param hosts host name to hub
 * @param hostDomain the domain of {@code <hub>.<domain>} host names; null for none
 */
record HubSettings(
    Map<String, Integer> listenerPorts, Map<String, String> hosts, String hostDomain) {
  private static final String ROOT = "switchboard.hubs";

  /** The name of the listener dedicated to {@code hub}. */
  static String listenerName(String hub) {
    return "hub-" + hub;
  }

  static HubSettings read(Config config) {
    Map<String, Integer> ports = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e :
        config.getConfig(ROOT + ".listeners").root().entrySet()) {
      String hub = e.getKey();
      String key = ROOT + ".listeners." + hub;
      hubName(key, hub);
      int port;
      try {
        port = config.getInt(quoted(ROOT + ".listeners", hub));
      } catch (ConfigException e2) {
        throw new ConfigError(key + " must be a port number (1 to 65535)");
      }
      if (port < 0 || port > 65_535) {
        throw new ConfigError(key + " must be a port number (1 to 65535), not " + port);
      }
      ports.put(hub, port);
    }
    Map<String, String> hosts = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.getConfig(ROOT + ".hosts").root().entrySet()) {
      String key = ROOT + ".hosts." + e.getKey();
      Object hub = e.getValue().unwrapped();
      if (!(hub instanceof String name)) {
        throw new ConfigError(key + " must be a hub name");
      }
      hubName(key, name);
      hosts.put(e.getKey(), name);
    }
    String domain = config.getString(ROOT + ".host-domain").strip();
    return new HubSettings(ports, hosts, domain.isEmpty() ? null : domain);
  }

  private static String quoted(String prefix, String key) {
    return prefix + ".\"" + key + "\"";
  }

  private static void hubName(String key, String name) {
    try {
      RegistryValidation.hubName(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(key + ": " + e.getMessage());
    }
  }

  /** The hub selection's part of the authenticator's settings. */
  HubSelector.Settings selection() {
    Map<String, String> listenerHubs = new TreeMap<>();
    listenerPorts.keySet().forEach(hub -> listenerHubs.put(listenerName(hub), hub));
    return new HubSelector.Settings(listenerHubs, hosts, hostDomain);
  }

  /** The dedicated listeners, plain MQTT on the broker's bind address. */
  List<ListenerConfig> listeners() {
    List<ListenerConfig> out = new ArrayList<>();
    listenerPorts.forEach((hub, port) -> out.add(ListenerConfig.tcp(listenerName(hub), port)));
    return out;
  }
}
