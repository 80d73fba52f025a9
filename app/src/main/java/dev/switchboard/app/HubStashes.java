package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.hub.stash.StashDirectory;
import dev.switchboard.hub.stash.StashInterceptor;
import dev.switchboard.hub.stash.Stashes;
import dev.switchboard.store.MessageLogStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Stashes on a running server: their entries' store, the definitions polled from the registry (so
 * that {@code switchboard stashes} in another process takes effect within a second), and the
 * interceptor that appends matching messages in the publisher's unit. Only with a store: with
 * {@code durability = none} there is nowhere to keep entries and stashes are off.
 */
final class HubStashes implements AutoCloseable {
  static final Duration POLL = Duration.ofSeconds(1);

  final Stashes stashes;
  private final MessageLogStore log;
  private final StashDirectory directory;
  private final StashInterceptor interceptor;
  private final Broker broker;

  private HubStashes(
      Stashes stashes,
      MessageLogStore log,
      StashDirectory directory,
      StashInterceptor interceptor,
      Broker broker) {
    this.stashes = stashes;
    this.log = log;
    this.directory = directory;
    this.interceptor = interceptor;
    this.broker = broker;
  }

  /** Opens the entries' store and adds the interceptor to {@code broker}. */
  static HubStashes open(StoreConfig config, RegistryStore registry, Broker broker) {
    Clock clock = Clock.systemUTC();
    MessageLogStore log = MessageLogStore.open(config);
    try {
      StashDirectory directory = StashDirectory.open(registry, POLL);
      StashInterceptor interceptor = new StashInterceptor(directory, clock);
      broker.interceptors().add(interceptor);
      return new HubStashes(
          new Stashes(registry, log, clock, directory::poll), log, directory, interceptor, broker);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  @Override
  public void close() {
    broker.interceptors().remove(interceptor);
    directory.close();
    log.close();
  }
}
