package dev.switchboard.hub.auth;

import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Admin;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Administrators' logins (the HTTP API's {@code POST /api/v1/login}): their password checked as a
 * device's is, and failures throttled by the same {@link LoginThrottle} rules as MQTT logins (by
 * user name and address, by address, by user name), with a decoy hash for names nobody has, so that
 * the time an answer takes does not tell which names exist.
 */
public final class AdminLogins {
  private final RegistryRepository registry;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final String decoyHash;

  public AdminLogins(RegistryRepository registry, PasswordHasher hasher, LoginThrottle throttle) {
    this.registry = registry;
    this.hasher = hasher;
    this.throttle = throttle;
    this.decoyHash = hasher.hash("decoy-password-nobody-has".toCharArray());
  }

  /** The outcome of a login. */
  public sealed interface Outcome permits Accepted, Rejected, Throttled {}

  /** The password was right. */
  public record Accepted(Admin admin) implements Outcome {}

  /** A wrong password or an unknown name (the caller is not told which). */
  public record Rejected() implements Outcome {}

  /**
   * Too many failures lately, or too many checks under way from the address.
   *
   * @param retryAfter how long to wait before trying again
   */
  public record Throttled(Duration retryAfter) implements Outcome {}

  /** Checks {@code password} for administrator {@code name}; blocks while the hash runs. */
  public Outcome login(String name, char[] password, InetAddress from) {
    LoginThrottle.Admission admission = throttle.start(from, name);
    if (admission instanceof LoginThrottle.Block block) {
      return new Throttled(block.remaining());
    }
    LoginThrottle.Attempt attempt = (LoginThrottle.Attempt) admission;
    LoginThrottle.Refused refused = attempt.beginCheck();
    if (refused != null) {
      attempt.abandoned();
      return new Throttled(
          refused instanceof LoginThrottle.Block b ? b.remaining() : Duration.ofSeconds(1));
    }
    try {
      Optional<Admin> admin = registry.admin(name);
      if (admin.isEmpty()) {
        hasher.verify(password, decoyHash);
        attempt.failedForUnknownUser();
        return new Rejected();
      }
      if (hasher.verify(password, admin.get().passwordHash())) {
        attempt.succeeded();
        return new Accepted(admin.get());
      }
      attempt.failed();
      return new Rejected();
    } catch (RuntimeException e) {
      attempt.abandoned();
      throw e;
    }
  }

  /** The throttle, for its counters. */
  public LoginThrottle throttle() {
    return throttle;
  }
}
