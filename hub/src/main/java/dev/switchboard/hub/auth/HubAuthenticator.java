package dev.switchboard.hub.auth;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.hub.acl.ClientAccess;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.DeviceDirectory;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.ReasonCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's authenticator: a client certificate, a JWT or a registry password, then the device's
 * own conditions.
 *
 * <ol>
 *   <li>Throttle: an address (and, for a password login, the user name from that address, or the
 *       user name from everywhere but its known addresses) over its limit of failures and attempts
 *       under way is refused at once, "not authorized". A password is hashed only once its attempt
 *       is counted as under way (see {@link LoginThrottle}); an address with as many checks under
 *       way as it may have is told "server busy".
 *   <li>Hub: the user name the client logs in as (from CONNECT, its certificate or its token) picks
 *       its hub as {@link HubSelector} says ({@code name@hub}, the listener's hub, the host name's,
 *       the only hub with that user name); the device is then looked up in that hub. A hub that
 *       cannot be chosen, or is disabled, is refused as a bad user name or password.
 *   <li>Certificate, when certificate identity is on and the client sent one: its CN or first SAN
 *       is the user name (the CONNECT user name is ignored). A device with that user name, if any,
 *       applies; without one the client gets the global rules, unless a device is required.
 *   <li>Token, when JWT is configured and the password looks like one: the token's user name and
 *       ACL. A device with that user name, if any, applies.
 *   <li>Password: the device with the CONNECT user name, its stored hash checked on the {@link
 *       VerificationPool} (or found in the {@link SuccessCache}).
 *   <li>Device conditions: enabled, its own client id when strict, an allowed source address. And
 *       whatever the credentials: a client id that is a registered device's may be used only with
 *       that device's credentials.
 *   <li>No credentials at all: anonymous access, when on, with the global rules.
 * </ol>
 *
 * Runs on the event loop except the password hashing, whose stage completes on a pool thread. Every
 * refusal is counted by {@link Refusal} and carries a one-line reason for the broker's log (its
 * client-supplied parts escaped by {@link LogSafe}); the client only hears the reason code.
 */
public final class HubAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(HubAuthenticator.class);

  /** Why a client was refused; each is counted. */
  public enum Refusal {
    THROTTLED,
    CERTIFICATE_WITHOUT_NAME,
    NO_DEVICE_FOR_CERTIFICATE,
    BAD_TOKEN,
    TOKEN_FOR_OTHER_CLIENT,
    NO_USERNAME,
    UNKNOWN_USER,
    NO_PASSWORD,
    NO_STORED_PASSWORD,
    WRONG_PASSWORD,
    UNREADABLE_HASH,
    BUSY,
    ADDRESS_BUSY,
    DEVICE_DISABLED,
    WRONG_CLIENT_ID,
    SOURCE_NOT_ALLOWED,
    CLIENT_ID_TAKEN,
    ANONYMOUS_OFF,
    /** The listener or host named a hub that does not exist. */
    HUB_UNKNOWN,
    /** The user name exists in more than one hub and the client named none. */
    HUB_AMBIGUOUS,
    /** The client's hub is disabled. */
    HUB_DISABLED
  }

  private final DeviceDirectory directory;
  private final HubSelector hubs;
  private final LoginSettings settings;
  private final VerificationPool pool;
  private final SuccessCache cache;
  private final LoginThrottle throttle;
  private final JwtVerifier jwt;
  private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
  private final LongAdder accepted = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final ConcurrentHashMap<String, CompletableFuture<VerificationPool.Outcome>> checking =
      new ConcurrentHashMap<>();

  /** Devices' quotas; null until a server with quotas sets them. */
  private volatile DeliveryBudgets budgets;

  /**
   * @param jwt the token verifier; null when JWT is not configured (a token-shaped password is then
   *     taken for a password)
   */
  public HubAuthenticator(
      DeviceDirectory directory,
      LoginSettings settings,
      VerificationPool pool,
      SuccessCache cache,
      LoginThrottle throttle,
      JwtVerifier jwt) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.hubs = new HubSelector(directory, settings.hubs());
    this.pool = Objects.requireNonNull(pool, "pool");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.throttle = Objects.requireNonNull(throttle, "throttle");
    this.jwt = jwt;
    for (Refusal r : Refusal.values()) {
      refusals.put(r, new LongAdder());
    }
  }

  /**
   * Gives each device's login its budget from {@code source} (its quota's meter, put in its
   * principal) from now on; logins before keep what they had.
   */
  public void budgetsFrom(DeliveryBudgets source) {
    this.budgets = source;
  }

  /** The registry view it authenticates against (in memory, replaced as the registry changes). */
  public DeviceDirectory directory() {
    return directory;
  }

  @Override
  public CompletionStage<AuthResult> authenticate(ClientIdentity identity, byte[] password) {
    try {
      return chain(identity, password);
    } catch (RuntimeException e) {
      LOG.error("authentication of client '{}' failed", LogSafe.text(identity.clientId()), e);
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<AuthResult> chain(ClientIdentity id, byte[] password) {
    InetAddress address = addressOf(id.remoteAddress());
    boolean byCertificate =
        settings.certificateIdentity() != CertificateIdentity.NONE && !id.certificates().isEmpty();
    boolean byToken = !byCertificate && jwt != null && JwtVerifier.looksLikeJwt(password);
    boolean byPassword = !byCertificate && !byToken && (id.username() != null || password != null);

    // a user name is counted only where it is the one claimed: a password login
    return switch (throttle.start(address, byPassword ? id.username() : null)) {
      case LoginThrottle.Block block ->
          done(refuse(Refusal.THROTTLED, ReasonCode.NOT_AUTHORIZED, block.reason()));
      case LoginThrottle.Attempt attempt -> {
        CompletionStage<AuthResult> stage;
        try {
          if (byCertificate) {
            stage = done(certificate(id, address));
          } else if (byToken) {
            stage = done(token(id, password, address, attempt));
          } else if (byPassword) {
            stage =
                switch (hubs.select(id, id.username())) {
                  case HubSelector.Chosen c ->
                      password(c.hub(), id, c.username(), password, address, attempt);
                  case HubSelector.Refused r -> {
                    attempt.failedForUnknownUser(); // as an unknown user: it says nothing more
                    yield done(refuse(r));
                  }
                };
          } else {
            stage =
                done(
                    switch (hubs.select(id, null)) {
                      case HubSelector.Chosen c -> anonymous(c.hub(), id, address);
                      case HubSelector.Refused r -> refuse(r);
                    });
          }
        } catch (RuntimeException e) {
          attempt.abandoned(); // never left counted as under way
          throw e;
        }
        // what settled nothing (a policy refusal, a failed check) ends the attempt here
        yield stage.whenComplete((result, failure) -> attempt.abandoned());
      }
    };
  }

  private AuthResult anonymous(String hub, ClientIdentity id, InetAddress address) {
    if (!settings.allowAnonymous()) {
      return refuse(Refusal.ANONYMOUS_OFF, ReasonCode.NOT_AUTHORIZED, "anonymous access is off");
    }
    return accept(hub, id, address, null, null, List.of());
  }

  private AuthResult certificate(ClientIdentity id, InetAddress address) {
    String name = settings.certificateIdentity().username(id.certificates().get(0));
    if (name == null) {
      return refuse(
          Refusal.CERTIFICATE_WITHOUT_NAME,
          ReasonCode.NOT_AUTHORIZED,
          "client certificate of '"
              + id.clientId()
              + "' has no "
              + (settings.certificateIdentity() == CertificateIdentity.CN
                  ? "common name"
                  : "DNS or e-mail alternative name"));
    }
    String hub;
    String username;
    switch (hubs.select(id, name)) {
      case HubSelector.Chosen c -> {
        hub = c.hub();
        username = c.username();
      }
      case HubSelector.Refused r -> {
        return refuse(r);
      }
    }
    Device device = directory.byUsername(hub, username);
    if (device == null && settings.certificateRequiresDevice()) {
      return refuse(
          Refusal.NO_DEVICE_FOR_CERTIFICATE,
          ReasonCode.NOT_AUTHORIZED,
          "no device for certificate user '" + username + "'");
    }
    return accept(hub, id, address, username, device, List.of());
  }

  private AuthResult token(
      ClientIdentity id, byte[] password, InetAddress address, LoginThrottle.Attempt attempt) {
    String token = new String(password, StandardCharsets.US_ASCII); // looksLikeJwt: ASCII only
    return switch (jwt.verify(token, id.clientId())) {
      case JwtVerifier.Invalid invalid
          when invalid.failure() == JwtVerifier.Failure.WRONG_CLIENT_ID ->
          refuse(Refusal.TOKEN_FOR_OTHER_CLIENT, ReasonCode.NOT_AUTHORIZED, invalid.reason());
      case JwtVerifier.Invalid invalid -> {
        attempt.failed(); // counted per address only: no user name was claimed
        yield refuse(Refusal.BAD_TOKEN, ReasonCode.BAD_USER_NAME_OR_PASSWORD, invalid.reason());
      }
      case JwtVerifier.Valid valid ->
          switch (hubs.select(id, valid.username())) {
            case HubSelector.Chosen c ->
                accept(
                    c.hub(),
                    id,
                    address,
                    c.username(),
                    directory.byUsername(c.hub(), c.username()),
                    valid.rules());
            case HubSelector.Refused r -> refuse(r);
          };
    };
  }

  /**
   * @param username the user name the device logs in with in its hub: the CONNECT user name without
   *     its {@code @hub}
   */
  private CompletionStage<AuthResult> password(
      String hub,
      ClientIdentity id,
      String username,
      byte[] password,
      InetAddress address,
      LoginThrottle.Attempt attempt) {
    if (username == null) {
      return done(
          refuse(
              Refusal.NO_USERNAME,
              ReasonCode.BAD_USER_NAME_OR_PASSWORD,
              "password without a user name from client '" + id.clientId() + "'"));
    }
    Device device = directory.byUsername(hub, username);
    if (device == null) {
      return unknownUser(username, password, attempt);
    }
    if (password == null) {
      return done(
          refuse(
              Refusal.NO_PASSWORD,
              ReasonCode.BAD_USER_NAME_OR_PASSWORD,
              "no password for '" + username + "'"));
    }
    String storedHash = device.passwordHash();
    if (storedHash == null) {
      return done(
          refuse(
              Refusal.NO_STORED_PASSWORD,
              ReasonCode.BAD_USER_NAME_OR_PASSWORD,
              "'" + username + "' has no password (it logs in with a token or a certificate)"));
    }
    String cacheName = SuccessCache.account(hub, username);
    if (cache.contains(cacheName, storedHash, password)) {
      cacheHits.increment();
      attempt.succeeded();
      return done(accept(hub, id, address, username, device, List.of()));
    }
    return hashed(hub, id, address, username, cacheName, device, storedHash, password, attempt);
  }

  /**
   * The password checked against the stored hash on the pool, or joined to that check under way.
   */
  private CompletionStage<AuthResult> hashed(
      String hub,
      ClientIdentity id,
      InetAddress address,
      String username,
      String cacheName,
      Device device,
      String storedHash,
      byte[] password,
      LoginThrottle.Attempt attempt) {
    byte[] copy = password.clone(); // the caller may reuse its array before the check is done
    String key = cache.checkKey(cacheName, storedHash, copy);
    CompletionStage<VerificationPool.Outcome> outcomeStage = checking.get(key);
    if (outcomeStage != null) {
      coalesced.increment(); // no hash of its own, so not counted as one more under way
    } else {
      LoginThrottle.Refused refused = attempt.beginCheck();
      if (refused != null) {
        Arrays.fill(copy, (byte) 0);
        return done(throttled(refused));
      }
      outcomeStage = check(key, storedHash, copy);
    }
    return outcomeStage.thenApply(
        outcome -> {
          try {
            return switch (outcome) {
              case MATCH -> {
                cache.put(cacheName, storedHash, copy);
                attempt.succeeded();
                yield accept(hub, id, address, username, device, List.of());
              }
              case MISMATCH -> {
                attempt.failed();
                yield refuse(
                    Refusal.WRONG_PASSWORD,
                    ReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "wrong password for '" + username + "'");
              }
              case UNREADABLE_HASH ->
                  refuse(
                      Refusal.UNREADABLE_HASH,
                      ReasonCode.BAD_USER_NAME_OR_PASSWORD,
                      "the stored password hash of '" + username + "' cannot be read");
              case BUSY -> refuse(Refusal.BUSY, ReasonCode.SERVER_BUSY, "verification queue full");
            };
          } finally {
            Arrays.fill(copy, (byte) 0);
          }
        });
  }

  /**
   * The device's conditions and the client id's owner; then the principal.
   *
   * @param username the user name the client acts as; null for an anonymous client
   * @param device the device whose credentials were used; null when none
   */
  private AuthResult accept(
      String hub,
      ClientIdentity id,
      InetAddress address,
      String username,
      Device device,
      List<AccessRule> ownRules) {
    if (device != null) {
      if (!device.enabled()) {
        return refuse(
            Refusal.DEVICE_DISABLED,
            ReasonCode.NOT_AUTHORIZED,
            "device '" + device.clientId() + "' is disabled");
      }
      if (device.strictClientId() && !device.clientId().equals(id.clientId())) {
        return refuse(
            Refusal.WRONG_CLIENT_ID,
            ReasonCode.NOT_AUTHORIZED,
            "credentials of device '"
                + device.clientId()
                + "' used with client id '"
                + id.clientId()
                + "'");
      }
      if (!device.allowedSources().isEmpty() && !allowed(device.allowedSources(), address)) {
        return refuse(
            Refusal.SOURCE_NOT_ALLOWED,
            ReasonCode.NOT_AUTHORIZED,
            "device '"
                + device.clientId()
                + "' may not connect from "
                + (address == null ? "an unknown address" : address.getHostAddress()));
      }
    }
    Device owner = directory.byClientId(hub, id.clientId());
    if (owner != null && (device == null || !owner.clientId().equals(device.clientId()))) {
      return refuse(
          Refusal.CLIENT_ID_TAKEN,
          ReasonCode.NOT_AUTHORIZED,
          "client id '"
              + id.clientId()
              + "' belongs to another device"
              + (username == null ? "" : " than that of '" + username + "'"));
    }
    accepted.increment();
    ClientAccess access = new ClientAccess(device == null ? null : device.clientId(), ownRules);
    return AuthResult.accept(
        new Principal(
            hub,
            username,
            access,
            device != null && device.replacePolicy() == ReplacePolicy.REJECT,
            device != null && device.subscriptionsFrozen() ? device.subscriptions() : null,
            hubs.quotaOf(hub),
            budgetOf(hub, device)));
  }

  /** The device's quota meter, when quotas are on and it has a limit; null otherwise. */
  private DeliveryBudget budgetOf(String hub, Device device) {
    DeliveryBudgets source = budgets;
    return source == null || device == null ? null : source.budgetFor(hub, device.clientId());
  }

  private static boolean allowed(List<Cidr> sources, InetAddress address) {
    if (address == null) {
      return false;
    }
    for (Cidr c : sources) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A client whose hub could not be chosen, or is disabled: told "bad user name or password", as
   * for an unknown user, so that no client learns which hubs exist; the log line says why.
   */
  private AuthResult refuse(HubSelector.Refused r) {
    return refuse(r.why(), ReasonCode.BAD_USER_NAME_OR_PASSWORD, r.reason());
  }

  /**
   * Every refusal passes here, so its reason is made safe for a log line here: reasons quote client
   * ids, user names, certificate names and token claims, which the client chose.
   */
  private AuthResult refuse(Refusal why, int reasonCode, String reason) {
    refusals.get(why).increment();
    String safe = LogSafe.text(reason, LogSafe.MAX_REASON_CHARS);
    LOG.debug("refused: {}", safe);
    return AuthResult.refuse(reasonCode, safe);
  }

  private static InetAddress addressOf(SocketAddress remote) {
    return remote instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }

  private static CompletionStage<AuthResult> done(AuthResult result) {
    return CompletableFuture.completedFuture(result);
  }

  /**
   * A user name nobody has: refused; after a decoy hash when one is set, so that it takes as long
   * as a wrong password, and counted only then, as a wrong password is.
   */
  private CompletionStage<AuthResult> unknownUser(
      String username, byte[] password, LoginThrottle.Attempt attempt) {
    String reason = "unknown user '" + username + "'";
    if (settings.decoyHash() == null || password == null) {
      attempt.failedForUnknownUser();
      return done(refuse(Refusal.UNKNOWN_USER, ReasonCode.BAD_USER_NAME_OR_PASSWORD, reason));
    }
    LoginThrottle.Refused refused = attempt.beginCheck();
    if (refused != null) {
      return done(throttled(refused));
    }
    return pool.verify(password, settings.decoyHash())
        .thenApply(
            outcome -> {
              if (outcome == VerificationPool.Outcome.BUSY) {
                return refuse(Refusal.BUSY, ReasonCode.SERVER_BUSY, "verification queue full");
              }
              attempt.failedForUnknownUser();
              return refuse(Refusal.UNKNOWN_USER, ReasonCode.BAD_USER_NAME_OR_PASSWORD, reason);
            });
  }

  /** A check the throttle would not count as under way: over a limit, or its address busy. */
  private AuthResult throttled(LoginThrottle.Refused refused) {
    return switch (refused) {
      case LoginThrottle.Block block ->
          refuse(Refusal.THROTTLED, ReasonCode.NOT_AUTHORIZED, block.reason());
      case LoginThrottle.Busy busy ->
          refuse(Refusal.ADDRESS_BUSY, ReasonCode.SERVER_BUSY, busy.reason());
    };
  }

  /**
   * One hash for identical checks under way at once: in a reconnect storm, the clients of one
   * account (or one device reconnecting through several attempts) arrive together, before the first
   * success is cached; without this each would hash, and the pool would fall behind the connect
   * timeout. The caller joins a check already under way for {@code key} before it counts its own
   * attempt; one that starts in between is joined here.
   */
  private CompletionStage<VerificationPool.Outcome> check(
      String key, String storedHash, byte[] password) {
    CompletableFuture<VerificationPool.Outcome> mine = new CompletableFuture<>();
    CompletableFuture<VerificationPool.Outcome> running = checking.putIfAbsent(key, mine);
    if (running != null) {
      coalesced.increment();
      return running;
    }
    pool.verify(password, storedHash)
        .whenComplete(
            (outcome, failure) -> {
              checking.remove(key, mine);
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else {
                mine.complete(outcome);
              }
            });
    return mine;
  }

  /** Checks that joined an identical one under way instead of hashing again. */
  public long coalescedChecks() {
    return coalesced.sum();
  }

  /** Clients refused for {@code why}. */
  public long refusals(Refusal why) {
    return refusals.get(why).sum();
  }

  /** Clients let in. */
  public long accepted() {
    return accepted.sum();
  }

  /** Password logins answered from the {@link SuccessCache}, without hashing. */
  public long cacheHits() {
    return cacheHits.sum();
  }
}
