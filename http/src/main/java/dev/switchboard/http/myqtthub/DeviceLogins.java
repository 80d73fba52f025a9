package dev.switchboard.http.myqtthub;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.connection.DirectClients;
import dev.switchboard.broker.session.Session;
import dev.switchboard.hub.registry.model.Admin;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The logins of the device API by token: a device's is an MQTT session in the broker ({@link
 * DeviceSession}), a hub administrator's only opens the domain calls. Tokens are 128 random bits;
 * an idle login or one past its lifetime is ended by a sweep every few seconds (and refused at once
 * when used), its MQTT session then offline as after a lost connection.
 */
final class DeviceLogins implements AutoCloseable {
  /** How long a login waits for its authentication and for its session. */
  private static final long LOGIN_TIMEOUT_SECONDS = 30;

  /** A hub administrator's login: the domain calls, no MQTT session. */
  record AdminLogin(String token, Admin admin, long validUntilMillis, AtomicLong lastUsedNanos) {}

  private final Broker broker;
  private final DeviceApiSettings settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, DeviceSession> devices = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AdminLogin> admins = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  DeviceLogins(Broker broker, DeviceApiSettings settings, Clock clock) {
    this.broker = broker;
    this.settings = settings;
    this.clock = clock;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "device-api-sweeper");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(100, Math.min(5_000, settings.sessionIdle().toMillis() / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  DeviceApiSettings settings() {
    return settings;
  }

  /**
   * Logs a device in: its credentials checked by the broker's authenticator, then its session
   * attached through the broker's session ownership (taking over an MQTT connection with its client
   * id, or refused by its replace policy). Null when refused.
   */
  DeviceSession login(ClientIdentity who, byte[] password, boolean cleanSession)
      throws InterruptedException {
    AuthResult result;
    try {
      result =
          broker
              .directClients()
              .authenticate(who, password)
              .toCompletableFuture()
              .get(LOGIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
    if (result == null || !result.accepted()) {
      return null;
    }
    DirectClients direct = broker.directClients();
    Principal principal = result.principal();
    if (!direct.takeHubSlot(principal)) {
      return null; // the hub is at its connection limit: refused as a CONNECT would be
    }
    AtomicBoolean slotHeld = new AtomicBoolean(true);
    Runnable releaseSlot =
        () -> {
          if (slotHeld.getAndSet(false)) {
            direct.releaseHubSlot(principal);
          }
        };
    long maxExpiry = broker.config().maxSessionExpiry();
    long expiry = cleanSession ? 0 : Session.NEVER_EXPIRES;
    if (maxExpiry >= 0 && expiry > maxExpiry) {
      expiry = maxExpiry;
    }
    DeviceSession session =
        new DeviceSession(
            newToken(),
            who.authenticated(result.principal()),
            broker.nextLoop(),
            expiry,
            settings.pullBuffer(),
            clock.millis() + settings.tokenLifetime().toMillis(),
            broker.metrics(),
            releaseSlot);
    devices.put(session.token(), session);
    broker.directClients().connect(session, cleanSession);
    boolean attached;
    try {
      attached = session.attachedOutcome().get(LOGIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      attached = false;
    }
    if (!attached) {
      devices.remove(session.token(), session);
      session.end(DeviceSession.Ended.DISCONNECTED);
      releaseSlot.run();
      return null;
    }
    // a frozen device's subscriptions, as its MQTT CONNECT would have them
    broker.directClients().applyFixedSubscriptions(session.session(), session.identity());
    return session;
  }

  AdminLogin adminLogin(Admin admin) {
    AdminLogin login =
        new AdminLogin(
            newToken(),
            admin,
            clock.millis() + settings.tokenLifetime().toMillis(),
            new AtomicLong(System.nanoTime()));
    admins.put(login.token(), login);
    return login;
  }

  /** The device login of {@code token} if it is valid now (and marked used); null otherwise. */
  DeviceSession device(String token) {
    DeviceSession s = token == null ? null : devices.get(token);
    if (s == null) {
      return null;
    }
    if (!s.isOpen() || expired(s)) {
      forget(s);
      return null;
    }
    s.touch();
    return s;
  }

  /** The administrator's login of {@code token} if it is valid now; null otherwise. */
  AdminLogin admin(String token) {
    AdminLogin a = token == null ? null : admins.get(token);
    if (a == null) {
      return null;
    }
    long idle = System.nanoTime() - a.lastUsedNanos().get();
    if (clock.millis() > a.validUntilMillis() || idle > settings.sessionIdle().toNanos()) {
      admins.remove(token, a);
      return null;
    }
    a.lastUsedNanos().set(System.nanoTime());
    return a;
  }

  /** Ends a login by its token; false when there was none valid. */
  boolean logout(String token) {
    DeviceSession s = device(token);
    if (s != null) {
      devices.remove(token, s);
      s.end(DeviceSession.Ended.LOGGED_OUT);
      return true;
    }
    return token != null && admin(token) != null && admins.remove(token) != null;
  }

  /** Device logins open now. */
  int open() {
    return devices.size();
  }

  private boolean expired(DeviceSession s) {
    return clock.millis() > s.validUntilMillis()
        || s.idleNanos() > settings.sessionIdle().toNanos();
  }

  private void forget(DeviceSession s) {
    devices.remove(s.token(), s);
    if (s.ended() == null) {
      s.end(
          clock.millis() > s.validUntilMillis()
              ? DeviceSession.Ended.EXPIRED
              : DeviceSession.Ended.IDLE);
    }
  }

  private void sweep() {
    try {
      for (DeviceSession s : devices.values()) {
        if (s.ended() != null || expired(s)) {
          forget(s);
        }
      }
      for (AdminLogin a : admins.values()) {
        admin(a.token());
      }
    } catch (RuntimeException e) {
      // the next sweep tries again; a login is also checked whenever it is used
    }
  }

  private String newToken() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    HexFormat hex = HexFormat.of();
    String h = hex.formatHex(bytes);
    // MyQttHub's tokens look like UUIDs; clients may store them as such
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    for (DeviceSession s : devices.values()) {
      s.end(DeviceSession.Ended.DISCONNECTED);
    }
    devices.clear();
    admins.clear();
  }
}
