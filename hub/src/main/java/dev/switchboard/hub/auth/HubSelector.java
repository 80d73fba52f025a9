package dev.switchboard.hub.auth;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Quota;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.RegistryValidation;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which hub a CONNECT belongs to, in this order: the user name {@code name@hub} (when that hub
 * exists; otherwise the whole name is a user name, as an e-mail address may be); the hub bound to
 * the listener the client came in on; the host name it asked for (the WebSocket {@code Host} header
 * or the TLS SNI name) mapped to a hub, exactly or as {@code <hub>.<domain>}; otherwise the only
 * hub in which its user name exists, and the default hub when none has it. Two hubs with that user
 * name, a listener or host bound to a hub that does not exist, or a disabled hub: refused, for the
 * caller to answer as a bad user name or password, so that a client never learns which hubs exist.
 * Reads the directory only: non-blocking, safe on an event loop.
 */
public final class HubSelector {

  /**
   * How listeners and host names map to hubs.
   *
   * @param listenerHubs listener name to the hub it is dedicated to
   * @param hostHubs host name (lower case) to hub
   * @param hostDomain a domain under which {@code <hub>.<domain>} names hub {@code <hub>}; null for
   *     none
   */
  public record Settings(
      Map<String, String> listenerHubs, Map<String, String> hostHubs, String hostDomain) {
    public static final Settings NONE = new Settings(Map.of(), Map.of(), null);

    public Settings {
      listenerHubs = Map.copyOf(listenerHubs);
      Map<String, String> lower = new HashMap<>();
      hostHubs.forEach((host, hub) -> lower.put(host.toLowerCase(Locale.ROOT), hub));
      hostHubs = Map.copyOf(lower);
      if (hostDomain != null) {
        hostDomain = hostDomain.toLowerCase(Locale.ROOT);
        hostDomain = hostDomain.startsWith(".") ? hostDomain.substring(1) : hostDomain;
        hostDomain = hostDomain.isEmpty() ? null : hostDomain;
      }
    }
  }

  /** What the selection made of a client. */
  public sealed interface Choice {}

  /**
   * @param hub the hub the client belongs to
   * @param username the user name to look it up by in that hub: without {@code @hub}
   */
  public record Chosen(String hub, String username) implements Choice {}

  /**
   * @param why the refusal's kind
   * @param reason one line for the log (never for the client)
   */
  public record Refused(HubAuthenticator.Refusal why, String reason) implements Choice {}

  private final DeviceDirectory directory;
  private final Settings settings;

  public HubSelector(DeviceDirectory directory, Settings settings) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * The hub of a client that logs in as {@code username} (null: it named none, as an anonymous
   * client).
   */
  public Choice select(ClientIdentity id, String username) {
    if (username != null) {
      int at = username.lastIndexOf('@');
      if (at >= 0) {
        String named = username.substring(at + 1);
        if (RegistryValidation.isHubName(named) && directory.hub(named) != null) {
          return active(named, username.substring(0, at), "user name");
        }
      }
    }
    String bound = settings.listenerHubs().get(id.listener());
    if (bound != null) {
      return active(bound, username, "listener " + id.listener());
    }
    String byHost = hubOfHost(id.serverName());
    if (byHost != null) {
      return active(byHost, username, "host " + id.serverName());
    }
    if (username == null) {
      return active(Hub.DEFAULT, null, "default");
    }
    List<String> having = directory.hubsWithUsername(username);
    if (having.size() > 1) {
      return new Refused(
          HubAuthenticator.Refusal.HUB_AMBIGUOUS,
          "user name '"
              + username
              + "' exists in "
              + having.size()
              + " hubs and the client named none (user name@hub, a hub's listener or host)");
    }
    return active(having.isEmpty() ? Hub.DEFAULT : having.get(0), username, "user name");
  }

  /** The hub's limits as the broker enforces them; {@link Quota#NONE} for a hub without any. */
  public Quota quotaOf(String hub) {
    Hub h = directory.hub(hub);
    if (h == null || h.limits().equals(HubLimits.NONE)) {
      return Quota.NONE;
    }
    HubLimits l = h.limits();
    return new Quota(l.connections(), l.messageSize(), l.retainedMessages(), l.queuedMessages());
  }

  private String hubOfHost(String host) {
    if (host == null) {
      return null;
    }
    String mapped = settings.hostHubs().get(host);
    if (mapped != null) {
      return mapped;
    }
    String domain = settings.hostDomain();
    if (domain != null && host.endsWith("." + domain)) {
      String label = host.substring(0, host.length() - domain.length() - 1);
      if (RegistryValidation.isHubName(label)) {
        return label;
      }
    }
    return null;
  }

  private Choice active(String hub, String username, String by) {
    Hub h = directory.hub(hub);
    if (h == null) {
      return new Refused(
          HubAuthenticator.Refusal.HUB_UNKNOWN, "hub '" + hub + "' (by " + by + ") does not exist");
    }
    if (!h.active()) {
      return new Refused(
          HubAuthenticator.Refusal.HUB_DISABLED, "hub '" + hub + "' (by " + by + ") is disabled");
    }
    return new Chosen(hub, username);
  }
}
