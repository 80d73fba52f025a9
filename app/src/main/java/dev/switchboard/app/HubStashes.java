package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.hub.stash.StashDirectory;
import dev.switchboard.hub.stash.StashInterceptor;
import dev.switchboard.hub.stash.Stashes;
import dev.switchboard.store.MessageLogStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stashes on a running server: their entries' store, the definitions polled from the registry (so
 * that {@code switchboard stashes} in another process takes effect within a second), and the
 * interceptor that appends matching messages in the publisher's unit. Only with a store: with
 * {@code durability = none} there is nowhere to keep entries and stashes are off.
 */
final class HubStashes implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(HubStashes.class);

  static final Duration POLL = Duration.ofSeconds(1);

  /** How often the age limits of stashes no message came to are applied. */
  static final Duration EXPIRY = Duration.ofMinutes(1);

  final Stashes stashes;
  private final MessageLogStore log;
  private final StashDirectory directory;
  private final StashInterceptor interceptor;
  private final Broker broker;
  private final RegistryStore registry;
  private final ScheduledExecutorService expiry;

  private HubStashes(
      Stashes stashes,
      MessageLogStore log,
      StashDirectory directory,
      StashInterceptor interceptor,
      Broker broker,
      RegistryStore registry) {
    this.registry = registry;
    this.stashes = stashes;
    this.log = log;
    this.directory = directory;
    this.interceptor = interceptor;
    this.broker = broker;
    this.expiry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stash-expiry");
              t.setDaemon(true);
              return t;
            });
    long every = EXPIRY.toMillis();
    expiry.scheduleWithFixedDelay(this::expire, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Applies the age limits: appending applies them too, but a stash no message comes to would keep
   * its old entries.
   */
  private void expire() {
    long now = System.currentTimeMillis();
    try {
      for (Stash s : registry.allStashes()) {
        if (s.maxAgeSeconds() > 0) {
          log.expire(s.hub(), s.name(), now - s.maxAgeSeconds() * 1000);
        }
      }
    } catch (RuntimeException e) {
      logger.warn("stash age limits not applied this time: {}", e.getMessage());
    }
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
          new Stashes(registry, log, clock, directory::poll),
          log,
          directory,
          interceptor,
          broker,
          registry);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  @Override
  public void close() {
    expiry.shutdownNow();
    broker.interceptors().remove(interceptor);
    directory.close();
    log.close();
  }
}
