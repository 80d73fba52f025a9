package dev.switchboard.hub.registry;

import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.acl.ClientAccess;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.mqtt.ReasonCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as the broker sees it: an immutable view in memory, read without blocking by the
 * authenticator and the authorizer, replaced whenever the registry's version moves. One daemon
 * thread polls the version (one indexed read) every interval; a change made by {@code switchboard
 * devices ...} in another process, or by any other writer, is seen within that interval.
 *
 * <p>A change can take back what a connected client was allowed. Connections of a device that was
 * removed or disabled are ended with "not authorized"; those of a device whose user name, client-id
 * rule, allowed addresses or subscriptions changed are ended with "administrative action", so that
 * they reconnect under the new terms. Rule changes need no disconnect: the authorizer reads rules
 * from the current view at every PUBLISH and SUBSCRIBE.
 */
public final class RegistryDirectory implements DeviceDirectory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryDirectory.class);

  private final RegistryRepository registry;
  private final ClientControl clients;
  private final Consumer<Device> onChange;
  private final ScheduledExecutorService poller;
  private volatile View view;
  private boolean failing; // poller thread only

  /**
   * @param onChange told of every device that changed or went (its old version), e.g. to forget
   *     cached password checks; called on the poller thread
   */
  private RegistryDirectory(
      RegistryRepository registry, ClientControl clients, Consumer<Device> onChange) {
    this.registry = registry;
    this.clients = clients;
    this.onChange = onChange;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "registry-poller");
              t.setDaemon(true);
              return t;
            });
    this.view = View.of(registry.snapshot());
  }

  /**
   * Reads the registry now (a {@link StoreException} if it cannot be read) and polls it every
   * {@code interval} from then on.
   */
  public static RegistryDirectory open(
      RegistryRepository registry,
      ClientControl clients,
      Duration interval,
      Consumer<Device> onChange) {
    RegistryDirectory d =
        new RegistryDirectory(
            Objects.requireNonNull(registry, "registry"),
            Objects.requireNonNull(clients, "clients"),
            Objects.requireNonNull(onChange, "onChange"));
    long every = Math.max(1, interval.toMillis());
    d.poller.scheduleWithFixedDelay(d::poll, every, every, TimeUnit.MILLISECONDS);
    return d;
  }

  /** How many devices the registry has, as of the last poll. */
  public int deviceCount() {
    return view.byClientId.size();
  }

  /** The registry's version as of the last poll. */
  public long version() {
    return view.version;
  }

  @Override
  public Device byClientId(String clientId) {
    return clientId == null ? null : view.byClientId.get(clientId);
  }

  @Override
  public Device byUsername(String username) {
    return username == null ? null : view.byUsername.get(username);
  }

  @Override
  public List<AccessRule> rulesFor(String clientId) {
    if (clientId == null) {
      return List.of();
    }
    return view.rulesByClient.getOrDefault(clientId, List.of());
  }

  @Override
  public List<AccessRule> globalRules() {
    return view.globalRules;
  }

  /** Reads the registry again if its version moved; package-private so tests can run it. */
  void poll() {
    View previous = view;
    View next;
    try {
      if (registry.version() == previous.version) {
        recovered();
        return;
      }
      next = View.of(registry.snapshot());
    } catch (StoreException e) {
      if (!failing) {
        failing = true;
        log.warn(
            "registry cannot be read ({}); keeping the devices and rules read last",
            e.getMessage());
      }
      return;
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("registry cannot be read; keeping the devices and rules read last", e);
      }
      return;
    }
    recovered();
    view = next;
    int ended = 0;
    for (Device before : previous.byClientId.values()) {
      Device now = next.byClientId.get(before.clientId());
      if (now != null && now.equals(before)) {
        continue;
      }
      onChange.accept(before);
      if (now == null || !now.enabled()) {
        ended++;
        clients.disconnect(
            usesDevice(before),
            ReasonCode.NOT_AUTHORIZED,
            "device " + (now == null ? "removed" : "disabled"));
      } else if (termsChanged(before, now)) {
        ended++;
        clients.disconnect(
            usesDevice(before), ReasonCode.ADMINISTRATIVE_ACTION, "device settings changed");
      }
    }
    log.info(
        "registry changed (version {} -> {}): {} devices, {} rules; connections of {} changed"
            + " devices ended",
        previous.version,
        next.version,
        next.byClientId.size(),
        next.ruleCount,
        ended);
  }

  private void recovered() {
    if (failing) {
      failing = false;
      log.info("registry readable again");
    }
  }

  /**
   * What a connection was let in on, besides the password (a new password does not end the
   * connections made with the old one, as in other brokers; the next login needs the new one).
   */
  private static boolean termsChanged(Device before, Device now) {
    return !before.username().equals(now.username())
        || before.strictClientId() != now.strictClientId()
        || !before.allowedSources().equals(now.allowedSources())
        || before.subscriptionsFrozen() != now.subscriptionsFrozen()
        || (now.subscriptionsFrozen() && !before.subscriptions().equals(now.subscriptions()));
  }

  /** Connections made with the device's credentials, or with its client id. */
  static Predicate<ClientIdentity> usesDevice(Device device) {
    String id = device.clientId();
    return client ->
        id.equals(client.clientId())
            || (client.principal() != null
                && client.principal().access() instanceof ClientAccess access
                && id.equals(access.deviceClientId()));
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  /** One version of the registry, indexed for the lookups authentication makes. */
  private record View(
      long version,
      Map<String, Device> byClientId,
      Map<String, Device> byUsername,
      Map<String, List<AccessRule>> rulesByClient,
      List<AccessRule> globalRules,
      int ruleCount) {

    static View of(RegistrySnapshot s) {
      Map<String, Device> byId = new HashMap<>();
      Map<String, Device> byName = new HashMap<>();
      for (Device d : s.devices()) {
        byId.put(d.clientId(), d);
        byName.put(d.username(), d);
      }
      // the snapshot's rules come in evaluation order (priority, then id); grouping keeps it
      Map<String, List<AccessRule>> perClient = new HashMap<>();
      List<AccessRule> global = new ArrayList<>();
      for (AccessRule r : s.rules()) {
        if (r.clientId() == null) {
          global.add(r);
        } else {
          perClient.computeIfAbsent(r.clientId(), k -> new ArrayList<>()).add(r);
        }
      }
      Map<String, List<AccessRule>> frozen = new HashMap<>();
      perClient.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
      return new View(
          s.version(),
          Map.copyOf(byId),
          Map.copyOf(byName),
          Map.copyOf(frozen),
          List.copyOf(global),
          s.rules().size());
    }
  }
}
