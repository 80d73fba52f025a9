package dev.switchboard.hub.registry;

import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.hub.acl.ClientAccess;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RegistrySnapshot;
import dev.switchboard.mqtt.ReasonCode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as the broker sees it: an immutable view in memory, read without blocking by the
 * authenticator and the authorizer, replaced whenever the registry's version moves. One daemon
 * thread polls the version (one indexed read) every interval; a change made by {@code switchboard
 * devices ...} in another process, or by any other writer, is seen within that interval; a writer
 * in this process (the HTTP API) calls {@link #catchUp} to have its change in effect before it
 * answers.
 *
 * <p>A change can take back what a connected client was allowed. Connections of a hub or device
 * that was removed or disabled are ended with "not authorized", and a removed hub's sessions and
 * retained messages are discarded with it; those of a device whose user name, client-id rule,
 * allowed addresses or subscriptions changed are ended with "administrative action", so that they
 * reconnect under the new terms. Rule changes need no disconnect: the authorizer reads rules from
 * the current view at every PUBLISH and SUBSCRIBE.
 */
public final class RegistryDirectory implements DeviceDirectory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryDirectory.class);

  /** How long {@link #catchUp} waits for its poll. */
  static final Duration CATCH_UP_WAIT = Duration.ofSeconds(5);

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

  /** How many devices the registry has, in every hub, as of the last poll. */
  public int deviceCount() {
    return view.index.deviceCount();
  }

  /** The registry's version as of the last poll. */
  public long version() {
    return view.version;
  }

  @Override
  public Hub hub(String name) {
    return view.index.hub(name);
  }

  @Override
  public Device byClientId(String hub, String clientId) {
    return view.index.byClientId(hub, clientId);
  }

  @Override
  public Device byUsername(String hub, String username) {
    return view.index.byUsername(hub, username);
  }

  @Override
  public List<String> hubsWithUsername(String username) {
    return view.index.hubsWithUsername(username);
  }

  @Override
  public List<AccessRule> rulesFor(String hub, String clientId) {
    return view.index.rulesFor(hub, clientId);
  }

  @Override
  public List<AccessRule> globalRules(String hub) {
    return view.index.globalRules(hub);
  }

  @Override
  public Object rulesEpoch() {
    return view; // replaced, never changed, when the registry's version moves
  }

  /**
   * Polls now, on the poller thread (so that polls never overlap), and waits for it, at most {@link
   * #CATCH_UP_WAIT}: a registry that does not answer by then is left to the next poll.
   */
  @Override
  public void catchUp() {
    Future<?> done;
    try {
      done = poller.submit(this::poll);
    } catch (RejectedExecutionException closed) {
      return; // the server is stopping
    }
    try {
      done.get(CATCH_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "the registry's latest change is not in effect yet ({}); the next poll applies it",
          e instanceof TimeoutException
              ? "no answer within " + CATCH_UP_WAIT.toSeconds() + " s"
              : e.getCause().toString());
    }
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
    int ended = endWithdrawnHubs(previous, next);
    for (DirectoryIndex.HubEntries hub : previous.index.all()) {
      for (Device before : hub.byClientId().values()) {
        Device now = next.index.byClientId(before.hub(), before.clientId());
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
    }
    log.info(
        "registry changed (version {} -> {}): {} hubs, {} devices, {} rules; connections of {}"
            + " changed devices and hubs ended",
        previous.version,
        next.version,
        next.index.hubCount(),
        next.index.deviceCount(),
        next.index.ruleCount(),
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

  /**
   * Ends every connection of each hub that was disabled (anonymous ones and those made with a token
   * included), and discards everything the broker holds of each hub that was removed (sessions,
   * persistent ones included, retained messages), also when it was removed and added again under
   * the same name between two polls: that is another hub, which must not find the old one's state.
   * Returns how many hubs that was.
   */
  private int endWithdrawnHubs(View previous, View next) {
    int ended = 0;
    for (DirectoryIndex.HubEntries before : previous.index.all()) {
      Hub was = before.hub();
      String name = was.name();
      Hub now = next.index.hub(name);
      boolean removed = now == null || now.createdAt() != was.createdAt();
      if (removed && !Hub.DEFAULT.equals(name)) { // the default hub is never removed
        ended++;
        discard(name);
      } else if (was.active() && now != null && !now.active()) {
        ended++;
        clients.disconnect(
            client -> name.equals(client.hub()), ReasonCode.NOT_AUTHORIZED, "hub disabled");
      }
    }
    return ended;
  }

  private void discard(String hub) {
    clients
        .discardHub(hub, ReasonCode.NOT_AUTHORIZED, "hub removed")
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn("hub {}: its broker state could not be discarded", hub, failure);
              }
            });
  }

  /** Connections of the device's hub made with the device's credentials, or with its client id. */
  static Predicate<ClientIdentity> usesDevice(Device device) {
    String id = device.clientId();
    String hub = device.hub();
    return client ->
        hub.equals(client.hub())
            && (id.equals(client.clientId())
                || (client.principal() != null
                    && client.principal().access() instanceof ClientAccess access
                    && id.equals(access.deviceClientId())));
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  /** One version of the registry, indexed for the lookups authentication makes. */
  private record View(long version, DirectoryIndex index) {
    static View of(RegistrySnapshot s) {
      return new View(s.version(), new DirectoryIndex(s.hubs(), s.devices(), s.rules()));
    }
  }
}
