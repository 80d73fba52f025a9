package dev.switchboard.app;

import dev.switchboard.hub.auth.CertificateIdentity;
import dev.switchboard.hub.auth.HubSelector;
import dev.switchboard.hub.auth.JwtKeys;
import dev.switchboard.hub.auth.JwtVerifier;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.auth.PasswordHasher;
import java.time.Duration;

/**
 * The {@code auth} and {@code registry} settings, read and checked by {@link SwitchboardConfig}.
 *
 * @param allowAnonymous let clients in with no user name, password or certificate identity
 * @param defaultAllow what happens where no access rule decides
 * @param hashing parameters of new password hashes
 * @param checkThreads threads that check passwords, off the network threads
 * @param checkQueue password checks that may wait for a thread; beyond, "server busy"
 * @param cacheTtl how long a successful check is remembered; zero for never
 * @param cacheSize how many successful checks are remembered
 * @param hideUnknownUsers check a decoy hash for unknown users, so that they cannot be told from
 *     wrong passwords by timing
 * @param throttle the failed-login limits, the checks at once per address, the known addresses
 * @param jwtKeys the keys tokens are checked with; empty when tokens are off
 * @param jwt what a token must say
 * @param certificateIdentity which name of a verified client certificate is the user name
 * @param certificateRequiresDevice whether that user name must be a device of the registry
 * @param registryPollInterval how often the registry is checked for changes
 * @param hubs which listeners and host names pick a client's hub
 */
record AuthSettings(
    boolean allowAnonymous,
    boolean defaultAllow,
    PasswordHasher.Settings hashing,
    int checkThreads,
    int checkQueue,
    Duration cacheTtl,
    int cacheSize,
    boolean hideUnknownUsers,
    LoginThrottle.Settings throttle,
    JwtKeys jwtKeys,
    JwtVerifier.Settings jwt,
    CertificateIdentity certificateIdentity,
    boolean certificateRequiresDevice,
    Duration registryPollInterval,
    HubSelector.Settings hubs) {

  PasswordHasher hasher() {
    return new PasswordHasher(hashing);
  }
}
