package dev.switchboard.app;

import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.hub.acl.RuleAuthorizer;
import dev.switchboard.hub.auth.HubAuthenticator;
import dev.switchboard.hub.auth.JwtVerifier;
import dev.switchboard.hub.auth.LoginSettings;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.auth.SuccessCache;
import dev.switchboard.hub.auth.VerificationPool;
import dev.switchboard.hub.registry.RegistryDirectory;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.time.Clock;

/**
 * Authentication and authorization as {@code start} wires them: the registry (opened from the
 * store's configuration, polled for changes), the authenticator chain over it, and the rule
 * authorizer. Closing it stops the polling and the password checkers and closes the registry.
 */
final class AccessControl implements AutoCloseable {
  private final RegistryStore registry;
  private final RegistryDirectory directory;
  private final VerificationPool pool;
  private final HubAuthenticator authenticator;
  private final RuleAuthorizer authorizer;

  private AccessControl(
      RegistryStore registry,
      RegistryDirectory directory,
      VerificationPool pool,
      HubAuthenticator authenticator,
      RuleAuthorizer authorizer) {
    this.registry = registry;
    this.directory = directory;
    this.pool = pool;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
  }

  /**
   * @param clients where the connections a registry change no longer allows are ended
   */
  static AccessControl open(AuthSettings settings, StoreConfig store, ClientControl clients) {
    RegistryStore registry = RegistryStore.open(store);
    RegistryDirectory directory = null;
    VerificationPool pool = null;
    try {
      Clock clock = Clock.systemUTC();
      SuccessCache cache = new SuccessCache(clock, settings.cacheTtl(), settings.cacheSize());
      directory =
          RegistryDirectory.open(
              registry,
              clients,
              settings.registryPollInterval(),
              changed -> cache.invalidate(SuccessCache.account(changed.hub(), changed.username())));
      PasswordHasher hasher = settings.hasher();
      pool = new VerificationPool(hasher, settings.checkThreads(), settings.checkQueue());
      String decoy = settings.hideUnknownUsers() ? hasher.hash(DevicesCommand.generate()) : null;
      LoginSettings authSettings =
          LoginSettings.defaults()
              .withAnonymous(settings.allowAnonymous())
              .withCertificates(
                  settings.certificateIdentity(), settings.certificateRequiresDevice())
              .withDecoyHash(decoy)
              .withHubs(settings.hubs());
      JwtVerifier jwt =
          settings.jwtKeys().isEmpty()
              ? null
              : new JwtVerifier(settings.jwtKeys(), settings.jwt(), clock);
      HubAuthenticator authenticator =
          new HubAuthenticator(
              directory,
              authSettings,
              pool,
              cache,
              new LoginThrottle(settings.throttle(), clock),
              jwt);
      return new AccessControl(
          registry,
          directory,
          pool,
          authenticator,
          new RuleAuthorizer(directory, settings.defaultAllow()));
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      if (directory != null) {
        directory.close();
      }
      registry.close();
      throw e;
    }
  }

  HubAuthenticator authenticator() {
    return authenticator;
  }

  RuleAuthorizer authorizer() {
    return authorizer;
  }

  RegistryDirectory directory() {
    return directory;
  }

  /** The registry's store: what the HTTP API reads and changes (hubs, devices, administrators). */
  RegistryStore registry() {
    return registry;
  }

  /** Whether the registry has no administrator at all (the first start). */
  boolean hasNoAdministrator() {
    return registry.admins().isEmpty();
  }

  @Override
  public void close() {
    directory.close();
    pool.close();
    registry.close();
  }
}
