package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.cluster.ClusterSettings;
import dev.switchboard.cluster.HostPort;
import dev.switchboard.http.HttpApi;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.http.Readiness;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.registry.RegistryDirectory;
import dev.switchboard.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running hub: the broker, the registry's access control, the durable store and the HTTP server
 * (console, REST API, {@code /metrics}), wired and started from a configuration; what {@code
 * switchboard start} and {@code switchboard lab} run.
 */
final class HubServer implements AutoCloseable {
  final Broker broker;
  final AccessControl access;
  final AuthSettings auth;
  private final DurableStore store;

  /** Null without a store ({@code durability = none}). */
  final HubStashes stashes;

  /** Devices' quotas, in the registry: on with any durability. */
  final HubQuotas quotas;

  /** Null when both HTTP listeners are off. */
  final HttpServer http;

  /** Null unless this server is a cluster node. */
  final ClusterNode cluster;

  /** Set when closing starts: {@code /health/ready} answers 503 from then on. */
  private final AtomicBoolean stopping;

  private HubServer(
      Broker broker,
      AccessControl access,
      AuthSettings auth,
      DurableStore store,
      HubStashes stashes,
      HubQuotas quotas,
      HttpServer http,
      ClusterNode cluster,
      AtomicBoolean stopping) {
    this.quotas = quotas;
    this.broker = broker;
    this.cluster = cluster;
    this.access = access;
    this.auth = auth;
    this.store = store;
    this.stashes = stashes;
    this.http = http;
    this.stopping = stopping;
  }

  /**
   * Prepares the data directory, opens the store and the registry, starts the broker.
   *
   * @throws ConfigError a bad setting or data directory
   * @throws ListenerException a port that cannot be bound
   * @throws StoreException a damaged store, named with the commands that check and repair it (the
   *     broker never starts empty in its place)
   */
  static HubServer start(SwitchboardConfig config) {
    DurableStore store = null;
    AccessControl access = null;
    HubStashes stashes = null;
    HubQuotas quotas = null;
    Broker started = null; // closed again if what comes after it fails
    ClusterNode cluster = null;
    try {
      prepareDataDir(config.dataDir());
      BrokerConfig brokerConfig = config.brokerConfig();
      AuthSettings auth = config.authSettings();
      ClusterSettings clusterSettings = config.clusterSettings();
      config.checkClusterStore(clusterSettings);
      if (config.durability() != Durability.NONE) {
        store = Stores.open(config.storeConfig());
      }
      // The registry ends connections a change no longer allows, through the broker it is built
      // before: the broker takes the registry's authenticator.
      BrokerControl clients = new BrokerControl();
      access = AccessControl.open(auth, config.storeConfig(), clients);
      Broker broker =
          new Broker(
              brokerConfig,
              new InMemoryRetainedStore(),
              access.authenticator(),
              access.authorizer(),
              config.persistence(store));
      clients.bind(broker);
      quotas =
          HubQuotas.open(
              access.registry(),
              access.authenticator(),
              broker,
              auth.registryPollInterval(),
              config.quotaSaveInterval());
      if (store != null) {
        stashes = HubStashes.open(config.storeConfig(), access.registry(), broker);
      }
      if (clusterSettings.enabled()) {
        // before the broker starts: the cluster's session ownership goes in front of its registry
        try {
          cluster = ClusterNode.start(clusterSettings, broker);
        } catch (IllegalStateException e) {
          throw new ListenerException(e.getMessage(), e);
        }
        cluster.writeStatusTo(config.dataDir().resolve(ClusterCommand.STATUS_FILE));
        cluster.awaitUp(); // MQTT clients come once client ids can be claimed
      }
      broker.start();
      started = broker;
      RegistryDirectory directory = access.directory();
      clients.discardRemovedHubs(hub -> directory.hub(hub) != null);
      AtomicBoolean stopping = new AtomicBoolean();
      if (cluster != null) {
        // the minority side of a split (or a node downed while it hung): its clients must move to
        // the majority, so it stops listening and /health/ready answers 503 from then on
        Broker downedBroker = broker;
        cluster.whenDowned(
            () -> {
              stopping.set(true);
              downedBroker.close();
            });
      }
      HttpServer http =
          startHttp(config, brokerConfig, auth, access, broker, stashes, quotas, cluster, stopping);
      return new HubServer(broker, access, auth, store, stashes, quotas, http, cluster, stopping);
    } catch (ConfigError | ListenerException | StoreException e) {
      if (cluster != null) {
        cluster.close();
      }
      if (started != null) {
        started.close();
      }
      if (stashes != null) {
        stashes.close();
      }
      if (quotas != null) {
        quotas.close();
      }
      if (access != null) {
        access.close();
      }
      if (store != null) {
        store.close();
      }
      throw e;
    }
  }

  /**
   * The HTTP server on the running broker and registry (and cluster node, when it is one: {@code
   * /api/v1/cluster}, the cluster's meters); null when both its listeners are off.
   *
   * @throws ListenerException a port that cannot be bound, a certificate that cannot be used
   */
  private static HttpServer startHttp(
      SwitchboardConfig config,
      BrokerConfig brokerConfig,
      AuthSettings auth,
      AccessControl access,
      Broker broker,
      HubStashes stashes,
      HubQuotas quotas,
      ClusterNode cluster,
      AtomicBoolean stopping) {
    HttpSettings settings = config.httpSettings();
    if (settings.off()) {
      return null;
    }
    Journal journal = broker.journal();
    Readiness readiness =
        () -> {
          if (stopping.get()) {
            return "the server is stopping";
          }
          if (journal != null && journal.failing()) {
            return "the store is failing: " + journal.store().describe();
          }
          return null;
        };
    Clock clock = Clock.systemUTC();
    HttpApi.Parts parts =
        new HttpApi.Parts(
            access.registry(),
            access.registry(),
            auth.hasher(),
            new LoginThrottle(auth.throttle(), clock),
            clock,
            broker,
            access.authenticator(),
            cluster == null ? null : () -> ClusterFiguresAdapter.figures(cluster.status()));
    try {
      return HttpApi.server(
              settings,
              brokerConfig.tls(),
              readiness,
              parts,
              config.deviceApiSettings(),
              stashes == null ? null : stashes.stashes,
              quotas.quotas,
              quotas.book)
          .start();
    } catch (IllegalArgumentException e) {
      throw new ListenerException(e.getMessage(), e);
    }
  }

  /**
   * One line per listener (its URL), then the TLS certificate's fingerprint, which a client that
   * pins the certificate (or a person accepting a self-signed one) compares.
   */
  void printListeners(PrintWriter out) {
    for (BoundListener l : broker.boundListeners()) {
      out.println(l.url());
    }
    if (http != null) {
      for (String url : http.urls()) {
        out.println("console and REST API: " + url + " (" + url + "api/v1)");
      }
    }
    if (broker.boundListeners().isEmpty() && http == null) {
      out.println("no listeners enabled");
    }
    if (cluster != null) {
      ClusterSettings c = cluster.settings();
      out.println(
          "cluster: node "
              + c.nodeName()
              + " on "
              + c.self()
              + (c.tls() != null ? " (TLS)" : "")
              + ", joining "
              + c.seeds().stream().map(HostPort::toString).toList());
      String warning = ClusterNode.availabilityWarning(c);
      if (warning != null) {
        out.println(warning);
      }
    }
    broker
        .tlsCertificate()
        .ifPresent(
            c ->
                out.println(
                    "tls: "
                        + (c.selfSigned() ? "self-signed certificate " : "certificate ")
                        + c.file()
                        + ", SHA-256 fingerprint "
                        + c.sha256Fingerprint()));
    out.flush();
  }

  @Override
  public void close() {
    stopping.set(true); // /health/ready says so while the broker ends its connections
    broker.close();
    if (cluster != null) {
      cluster.close(); // after the broker: the wills of its last connections are forwarded
    }
    if (http != null) {
      http.close();
    }
    if (stashes != null) {
      stashes.close();
    }
    quotas.close(); // saves the day and month counts a last time
    access.close();
    if (store != null) {
      store.close();
    }
  }

  private static void prepareDataDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigError("data directory " + dir + " cannot be created: " + e.getMessage());
    }
    if (!Files.isWritable(dir)) {
      throw new ConfigError("data directory " + dir + " is not writable");
    }
  }
}
