package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.hub.registry.RegistryDirectory;
import dev.switchboard.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A running hub: the broker, the registry's access control and the durable store, wired and started
 * from a configuration; what {@code switchboard start} and {@code switchboard lab} run.
 */
final class HubServer implements AutoCloseable {
  final Broker broker;
  final AccessControl access;
  final AuthSettings auth;
  private final DurableStore store;

  private HubServer(Broker broker, AccessControl access, AuthSettings auth, DurableStore store) {
    this.broker = broker;
    this.access = access;
    this.auth = auth;
    this.store = store;
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
    try {
      prepareDataDir(config.dataDir());
      BrokerConfig brokerConfig = config.brokerConfig();
      AuthSettings auth = config.authSettings();
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
      broker.start();
      RegistryDirectory directory = access.directory();
      clients.discardRemovedHubs(hub -> directory.hub(hub) != null);
      return new HubServer(broker, access, auth, store);
    } catch (ConfigError | ListenerException | StoreException e) {
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
   * One line per listener (its URL), then the TLS certificate's fingerprint, which a client that
   * pins the certificate (or a person accepting a self-signed one) compares.
   */
  void printListeners(PrintWriter out) {
    for (BoundListener l : broker.boundListeners()) {
      out.println(l.url());
    }
    if (broker.boundListeners().isEmpty()) {
      out.println("no listeners enabled");
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
    broker.close();
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
