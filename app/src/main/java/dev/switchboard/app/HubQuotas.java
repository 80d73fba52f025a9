package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.hub.auth.HubAuthenticator;
import dev.switchboard.hub.quota.QuotaBook;
import dev.switchboard.hub.quota.QuotaInterceptor;
import dev.switchboard.hub.quota.Quotas;
import dev.switchboard.store.registry.RegistryStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Quotas on a running server: the book of meters (settings polled from the registry, day and month
 * counts saved there), the authenticator giving a metered device's login its meter, and the
 * interceptor that charges every PUBLISH, in the chain while any hub or device has a limit (a
 * message it refuses is not stashed: the stash's entry goes with a refusal by a later interceptor
 * too). Works with any durability: settings and counts are in the registry.
 */
final class HubQuotas implements AutoCloseable {
  final Quotas quotas;
  final QuotaBook book;
  private final QuotaInterceptor interceptor = new QuotaInterceptor();
  private final Broker broker;
  private final HubAuthenticator authenticator;

  /** Whether the interceptor is in the broker's chain; and whether closing has begun. */
  private boolean charging;

  private boolean closed;

  private HubQuotas(Quotas quotas, QuotaBook book, Broker broker, HubAuthenticator authenticator) {
    this.quotas = quotas;
    this.book = book;
    this.broker = broker;
    this.authenticator = authenticator;
  }

  /** Opens the book on {@code registry} and plugs it into {@code broker}'s logins and publishes. */
  static HubQuotas open(
      RegistryStore registry,
      HubAuthenticator authenticator,
      Broker broker,
      Duration poll,
      Duration save) {
    Clock clock = Clock.systemUTC();
    QuotaBook book = QuotaBook.open(registry.quotas(), clock, poll, save);
    HubQuotas q =
        new HubQuotas(
            new Quotas(registry, registry.quotas(), book, clock), book, broker, authenticator);
    authenticator.budgetsFrom(book);
    book.onChange(q::followSettings);
    q.followSettings();
    return q;
  }

  /**
   * Keeps the interceptor in the broker's chain only while some hub or device has a limit: a server
   * without quotas allocates nothing for them on the publish path (a chain with an interceptor
   * makes an object per PUBLISH).
   */
  private synchronized void followSettings() {
    boolean wanted = !closed && book.limitAnywhere();
    if (wanted && !charging) {
      broker.interceptors().add(interceptor);
    } else if (!wanted && charging) {
      broker.interceptors().remove(interceptor);
    }
    charging = wanted;
  }

  /** Stops charging and saves the counts a last time. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      followSettings();
    }
    authenticator.budgetsFrom(null);
    book.close();
  }
}
