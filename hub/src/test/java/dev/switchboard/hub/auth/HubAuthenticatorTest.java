package dev.switchboard.hub.auth;

import static dev.switchboard.hub.testing.Devices.device;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.hub.acl.ClientAccess;
import dev.switchboard.hub.auth.HubAuthenticator.Refusal;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.testing.Certificates;
import dev.switchboard.hub.testing.Devices;
import dev.switchboard.hub.testing.MutableClock;
import dev.switchboard.hub.testing.MutableDirectory;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Subscription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HubAuthenticatorTest {
  private static final byte[] SECRET =
      "an HS256 secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);
  private static final PasswordHasher HASHER =
      new PasswordHasher(
          new PasswordHasher.Settings(PasswordHasher.Algorithm.ARGON2ID, 256, 1, 1, 1000));
  private static final String ALICE_HASH = HASHER.hash("alice-pw".toCharArray());
  private static final String BOB_HASH = HASHER.hash("bob-pw".toCharArray());
  private static KeyPair certKeys;

  private final MutableClock clock = new MutableClock();
  private final MutableDirectory directory = new MutableDirectory();
  private final AtomicInteger hashes = new AtomicInteger();
  private final VerificationPool pool =
      new VerificationPool(
          (p, h) -> {
            hashes.incrementAndGet();
            return HASHER.verify(p, h);
          },
          2,
          16);
  private final SuccessCache cache = new SuccessCache(clock, Duration.ofMinutes(5), 1000);
  private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Settings.DEFAULT, clock);
  private final JwtVerifier jwt =
      new JwtVerifier(JwtKeys.hmacSecret(SECRET, null), JwtVerifier.Settings.DEFAULT, clock);

  private final Device alice = device("d1", "alice", ALICE_HASH);
  private final Device bob = device("d2", "bob", BOB_HASH);

  @BeforeAll
  static void keys() throws Exception {
    certKeys = Certificates.ec("secp256r1");
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private HubAuthenticator authenticator(LoginSettings settings, JwtVerifier tokens) {
    return new HubAuthenticator(directory, settings, pool, cache, throttle, tokens);
  }

  private HubAuthenticator authenticator() {
    return authenticator(LoginSettings.defaults(), jwt);
  }

  private static ClientIdentity id(String clientId, String username, String ip) throws Exception {
    return new ClientIdentity(
        clientId, username, new InetSocketAddress(InetAddress.getByName(ip), 40000));
  }

  private static ClientIdentity id(String clientId, String username) throws Exception {
    return id(clientId, username, "192.0.2.10");
  }

  private static ClientIdentity withCertificate(
      String clientId, String username, X509Certificate cert) throws Exception {
    return new ClientIdentity(
        clientId,
        username,
        new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 40000),
        "mqtts",
        List.of(cert),
        null);
  }

  private static byte[] pw(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static AuthResult result(CompletionStage<AuthResult> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ClientAccess access(AuthResult r) {
    return (ClientAccess) r.principal().access();
  }

  private static void assertRefused(AuthResult r, int code, String reason) {
    assertThat(r.accepted()).as("accepted: %s", r).isFalse();
    assertThat(r.reasonCode()).as("reason code of '%s'", r.reason()).isEqualTo(code);
    assertThat(r.reason()).isEqualTo(reason);
  }

  private String token(JWTClaimsSet.Builder claims) throws Exception {
    SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    t.sign(new MACSigner(SECRET));
    return t.serialize();
  }

  private JWTClaimsSet.Builder claims(String sub) {
    return new JWTClaimsSet.Builder()
        .subject(sub)
        .expirationTime(Date.from(clock.instant().plusSeconds(600)));
  }

  @Nested
  class Password {
    @Test
    @DisplayName("the right password: accepted as the device, its rules read live (not copied)")
    void accepted() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      AuthResult r = result(auth.authenticate(id("d1", "alice"), pw("alice-pw")));

      assertThat(r.accepted()).isTrue();
      assertThat(r.principal().username()).isEqualTo("alice");
      assertThat(access(r).deviceClientId()).isEqualTo("d1");
      assertThat(access(r).ownRules()).isEmpty();
      assertThat(r.principal().rejectTakeover()).isFalse();
      assertThat(r.principal().fixedSubscriptions()).isNull();
      assertThat(hashes.get()).isEqualTo(1);
      assertThat(auth.accepted()).isEqualTo(1);
    }

    @Test
    @DisplayName("the device's takeover policy and frozen subscriptions go into the principal")
    void devicePolicies() throws Exception {
      Subscription s = new Subscription("cmd/d1", 1);
      directory.devices(Devices.frozen(Devices.rejectingTakeover(alice), s));
      AuthResult r = result(authenticator().authenticate(id("d1", "alice"), pw("alice-pw")));
      assertThat(r.principal().rejectTakeover()).isTrue();
      assertThat(r.principal().fixedSubscriptions()).containsExactly(s);
    }

    @Test
    @DisplayName("a wrong password: 0x86, counted, and a failure for the throttle")
    void wrongPassword() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      AuthResult r = result(auth.authenticate(id("d1", "alice"), pw("guess")));
      assertRefused(r, ReasonCode.BAD_USER_NAME_OR_PASSWORD, "wrong password for 'alice'");
      assertThat(auth.refusals(Refusal.WRONG_PASSWORD)).isEqualTo(1);
      assertThat(throttle.failures()).isEqualTo(1);
    }

    @Test
    @DisplayName("an unknown user: 0x86 at once, without hashing")
    void unknownUser() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      CompletionStage<AuthResult> stage = auth.authenticate(id("c", "mallory"), pw("x"));
      assertThat(stage.toCompletableFuture()).isDone();
      assertRefused(result(stage), ReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user 'mallory'");
      assertThat(hashes.get()).isZero();
      assertThat(auth.refusals(Refusal.UNKNOWN_USER)).isEqualTo(1);
    }

    @Test
    @DisplayName("a user name or client id that would forge a log line is escaped in the reason")
    void reasonsAreSafeForALogLine() throws Exception {
      String forged = "\n2026-01-01 INFO forged line";
      HubAuthenticator auth = authenticator();
      AuthResult unknown = result(auth.authenticate(id("c", "mallory" + forged), pw("x")));
      assertRefused(
          unknown,
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "unknown user 'mallory\\n2026-01-01 INFO forged line'");
      AuthResult noName = result(auth.authenticate(id("c" + forged + "\r", null), pw("x")));
      assertRefused(
          noName,
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "password without a user name from client 'c\\n2026-01-01 INFO forged line\\r'");
    }

    @Test
    @DisplayName("with a decoy hash, an unknown user is hashed like a known one, then refused")
    void decoy() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator(LoginSettings.defaults().withDecoyHash(BOB_HASH), jwt);
      assertRefused(
          result(auth.authenticate(id("c", "mallory"), pw("bob-pw"))),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "unknown user 'mallory'");
      assertThat(hashes.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("no password, no stored hash, or a password without a user name: 0x86")
    void missingParts() throws Exception {
      directory.devices(alice, device("d3", "tokenonly", null));
      HubAuthenticator auth = authenticator();
      assertRefused(
          result(auth.authenticate(id("d1", "alice"), null)),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "no password for 'alice'");
      assertRefused(
          result(auth.authenticate(id("d3", "tokenonly"), pw("x"))),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "'tokenonly' has no password (it logs in with a token or a certificate)");
      assertRefused(
          result(auth.authenticate(id("c9", null), pw("x"))),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "password without a user name from client 'c9'");
      assertThat(hashes.get()).isZero();
    }

    @Test
    @DisplayName("an unreadable stored hash: 0x86, logged, not a throttle failure")
    void unreadableHash() throws Exception {
      directory.devices(device("d1", "alice", "$argon2id$broken"));
      HubAuthenticator auth = authenticator();
      assertRefused(
          result(auth.authenticate(id("d1", "alice"), pw("alice-pw"))),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "the stored password hash of 'alice' cannot be read");
      assertThat(throttle.failures()).isZero();
    }

    @Test
    @DisplayName("the hashed check completes on a pool thread; the caller is not blocked")
    void offTheCallerThread() throws Exception {
      directory.devices(alice);
      CountDownLatch release = new CountDownLatch(1);
      try (VerificationPool slow =
          new VerificationPool(
              (p, h) -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return HASHER.verify(p, h);
              },
              1,
              4)) {
        HubAuthenticator auth =
            new HubAuthenticator(directory, LoginSettings.defaults(), slow, cache, throttle, jwt);
        byte[] password = pw("alice-pw");
        CompletionStage<AuthResult> stage = auth.authenticate(id("d1", "alice"), password);
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<AuthResult> after =
            stage
                .thenApply(
                    r -> {
                      thread.set(Thread.currentThread().getName());
                      return r;
                    })
                .toCompletableFuture();
        assertThat(after).isNotDone();
        java.util.Arrays.fill(password, (byte) 0); // the broker may reuse its buffer
        release.countDown();
        assertThat(after.get(10, TimeUnit.SECONDS).accepted()).isTrue();
        assertThat(thread.get()).startsWith("switchboard-password-");
      }
    }
  }

  @Nested
  class Cache {
    @Test
    @DisplayName("a reconnect within the cache's time is accepted without hashing")
    void hitAvoidsHashing() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      assertThat(result(auth.authenticate(id("d1", "alice"), pw("alice-pw"))).accepted()).isTrue();
      CompletionStage<AuthResult> again = auth.authenticate(id("d1", "alice"), pw("alice-pw"));
      assertThat(again.toCompletableFuture()).isDone();
      assertThat(result(again).accepted()).isTrue();
      assertThat(hashes.get()).isEqualTo(1);
      assertThat(auth.cacheHits()).isEqualTo(1);
    }

    @Test
    @DisplayName("a wrong password is never a hit")
    void wrongPasswordMisses() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      result(auth.authenticate(id("d1", "alice"), pw("alice-pw")));
      assertRefused(
          result(auth.authenticate(id("d1", "alice"), pw("alice-pw2"))),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "wrong password for 'alice'");
      assertThat(hashes.get()).isEqualTo(2);
    }

    @Test
    @DisplayName("a password change (new stored hash), invalidate(user) or expiry: hashed again")
    void misses() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      result(auth.authenticate(id("d1", "alice"), pw("alice-pw")));

      directory.devices(device("d1", "alice", HASHER.hash("alice-pw".toCharArray())));
      assertThat(result(auth.authenticate(id("d1", "alice"), pw("alice-pw"))).accepted()).isTrue();
      assertThat(hashes.get()).isEqualTo(2);

      cache.invalidate(SuccessCache.account(Hub.DEFAULT, "alice"));
      result(auth.authenticate(id("d1", "alice"), pw("alice-pw")));
      assertThat(hashes.get()).isEqualTo(3);

      clock.advance(Duration.ofMinutes(5));
      result(auth.authenticate(id("d1", "alice"), pw("alice-pw")));
      assertThat(hashes.get()).isEqualTo(4);
    }

    @Test
    @DisplayName("a cache hit still applies the device's conditions (here: now disabled)")
    void hitStillChecksDevice() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      result(auth.authenticate(id("d1", "alice"), pw("alice-pw")));
      directory.devices(Devices.disabled(alice));
      assertRefused(
          result(auth.authenticate(id("d1", "alice"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' is disabled");
      assertThat(hashes.get()).isEqualTo(1);
    }
  }

  @Nested
  class Busy {
    @Test
    @DisplayName("a full verification queue: 0x89 server busy")
    void busy() throws Exception {
      directory.devices(alice);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      try (VerificationPool tiny =
          new VerificationPool(
              (p, h) -> {
                running.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return true;
              },
              1,
              1)) {
        HubAuthenticator auth =
            new HubAuthenticator(directory, LoginSettings.defaults(), tiny, cache, throttle, jwt);
        CompletionStage<AuthResult> first = auth.authenticate(id("d1", "alice"), pw("a"));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        CompletionStage<AuthResult> second = auth.authenticate(id("d1", "alice"), pw("b"));
        AuthResult third = result(auth.authenticate(id("d1", "alice"), pw("c")));

        assertRefused(third, ReasonCode.SERVER_BUSY, "verification queue full");
        assertThat(auth.refusals(Refusal.BUSY)).isEqualTo(1);
        release.countDown();
        assertThat(result(first).accepted()).isTrue();
        assertThat(result(second).accepted()).isTrue();
      }
    }
  }

  @Nested
  class Coalescing {
    @Test
    @DisplayName(
        "identical checks under way at once hash once (a storm before the cache is warm); a"
            + " different password is checked on its own")
    void identicalChecksHashOnce() throws Exception {
      directory.devices(alice);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      try (VerificationPool slow =
          new VerificationPool(
              (p, h) -> {
                calls.incrementAndGet();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return HASHER.verify(p, h);
              },
              2,
              16)) {
        HubAuthenticator auth =
            new HubAuthenticator(directory, LoginSettings.defaults(), slow, cache, throttle, jwt);
        List<CompletionStage<AuthResult>> storm = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
          storm.add(auth.authenticate(id("client-" + i, "alice"), pw("alice-pw")));
        }
        CompletionStage<AuthResult> wrong = auth.authenticate(id("x", "alice"), pw("guess"));
        release.countDown();
        for (CompletionStage<AuthResult> s : storm) {
          assertThat(result(s).accepted()).isTrue();
        }
        assertRefused(
            result(wrong), ReasonCode.BAD_USER_NAME_OR_PASSWORD, "wrong password for 'alice'");
        assertThat(calls.get()).as("one hash for the storm, one for the guess").isEqualTo(2);
        assertThat(auth.coalescedChecks()).isEqualTo(19);
        // done: the next identical check is a cache hit, not a join
        assertThat(result(auth.authenticate(id("late", "alice"), pw("alice-pw"))).accepted())
            .isTrue();
        assertThat(calls.get()).isEqualTo(2);
      }
    }
  }

  @Nested
  class Throttling {
    @Test
    @DisplayName(
        "5 wrong passwords for a user from one address: the 6th from there, even right, is refused"
            + " unhashed")
    void perUserAtAddress() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      String guesser = "192.0.2.1";
      for (int i = 0; i < 5; i++) {
        result(auth.authenticate(id("d1", "alice", guesser), pw("guess" + i)));
      }
      int before = hashes.get();
      assertRefused(
          result(auth.authenticate(id("d1", "alice", guesser), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "throttled after 5 failed logins for user 'alice' from address 192.0.2.1");
      assertThat(hashes.get()).isEqualTo(before);
      assertThat(auth.refusals(Refusal.THROTTLED)).isEqualTo(1);

      clock.advance(Duration.ofSeconds(1)); // the first block is over
      assertThat(result(auth.authenticate(id("d1", "alice", guesser), pw("alice-pw"))).accepted())
          .isTrue();
      // the success cleared the pair's count: one more failure does not block again
      result(auth.authenticate(id("d1", "alice", guesser), pw("wrong")));
      assertThat(result(auth.authenticate(id("d1", "alice", guesser), pw("alice-pw"))).accepted())
          .isTrue();
    }

    @Test
    @DisplayName("10 failures from an address block it for every user and for anonymous access")
    void perAddress() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator(LoginSettings.defaults().withAnonymous(true), jwt);
      for (int i = 0; i < 10; i++) {
        result(auth.authenticate(id("c", "nobody" + i, "203.0.113.5"), pw("x")));
      }
      assertRefused(
          result(auth.authenticate(id("d1", "alice", "203.0.113.5"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "throttled after 10 failed logins from address 203.0.113.5");
      assertRefused(
          result(auth.authenticate(id("c", null, "203.0.113.5"), null)),
          ReasonCode.NOT_AUTHORIZED,
          "throttled after 10 failed logins from address 203.0.113.5");
      assertThat(
              result(auth.authenticate(id("d1", "alice", "203.0.113.6"), pw("alice-pw")))
                  .accepted())
          .isTrue();
    }
  }

  /** Issue 21, defect 2: parallel guesses all passed the check before the first failure counted. */
  @Nested
  class ParallelGuessing {
    private static final String ATTACKER = "203.0.113.9";

    /** A pool whose checks wait for {@code release}, so that every attempt is under way at once. */
    private VerificationPool held(
        CountDownLatch release, AtomicInteger calls, int threads, int queue) {
      return new VerificationPool(
          (p, h) -> {
            calls.incrementAndGet();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return HASHER.verify(p, h);
          },
          threads,
          queue);
    }

    @Test
    @DisplayName(
        "32 guesses at once for one user from one address: the limit's 5 are hashed, the other 27"
            + " refused at once, unhashed")
    void guessesUnderWayCount() throws Exception {
      directory.devices(alice);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      try (VerificationPool slow = held(release, calls, 2, 64)) {
        HubAuthenticator auth =
            new HubAuthenticator(directory, LoginSettings.defaults(), slow, cache, throttle, jwt);
        List<CompletionStage<AuthResult>> guesses = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
          guesses.add(auth.authenticate(id("d1", "alice", ATTACKER), pw("guess" + i)));
        }
        List<CompletionStage<AuthResult>> answeredAtOnce =
            guesses.stream().filter(g -> g.toCompletableFuture().isDone()).toList();
        assertThat(answeredAtOnce).hasSize(27);
        for (CompletionStage<AuthResult> g : answeredAtOnce) {
          assertRefused(
              result(g),
              ReasonCode.NOT_AUTHORIZED,
              "throttled: 5 logins under way and 0 failed for user 'alice' from address "
                  + ATTACKER);
        }
        release.countDown();
        long wrong =
            guesses.stream()
                .map(g -> g.toCompletableFuture().join())
                .filter(r -> r.reasonCode() == ReasonCode.BAD_USER_NAME_OR_PASSWORD)
                .count();
        assertThat(wrong).isEqualTo(5);
        assertThat(calls.get()).isEqualTo(5);
        assertThat(auth.refusals(Refusal.THROTTLED)).isEqualTo(27);
        // the five failures block the pair: even the right password is refused from there
        assertRefused(
            result(auth.authenticate(id("d1", "alice", ATTACKER), pw("alice-pw"))),
            ReasonCode.NOT_AUTHORIZED,
            "throttled after 5 failed logins for user 'alice' from address " + ATTACKER);
        assertThat(calls.get()).isEqualTo(5);
      }
    }

    @Test
    @DisplayName(
        "a burst from one address cannot fill the check queue: past 8 checks under way it is told"
            + " 'server busy' at once, and a client at another address is still checked")
    void burstFromOneAddress() throws Exception {
      directory.devices(alice);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      try (VerificationPool slow = held(release, calls, 1, 10)) {
        HubAuthenticator auth =
            new HubAuthenticator(
                directory,
                LoginSettings.defaults().withDecoyHash(BOB_HASH),
                slow,
                cache,
                throttle,
                jwt);
        List<CompletionStage<AuthResult>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
          burst.add(auth.authenticate(id("c" + i, "user" + i, ATTACKER), pw("x" + i)));
        }
        CompletionStage<AuthResult> owner =
            auth.authenticate(id("d1", "alice", "192.0.2.10"), pw("alice-pw"));
        List<CompletionStage<AuthResult>> answeredAtOnce =
            burst.stream().filter(g -> g.toCompletableFuture().isDone()).toList();
        assertThat(answeredAtOnce).hasSize(12);
        for (CompletionStage<AuthResult> g : answeredAtOnce) {
          assertRefused(
              result(g),
              ReasonCode.SERVER_BUSY,
              "8 logins under way from address " + ATTACKER + ", its most at once");
        }
        release.countDown();
        assertThat(result(owner).accepted()).isTrue();
        assertThat(calls.get()).as("8 decoy checks for the burst, 1 for the owner").isEqualTo(9);
        assertThat(auth.refusals(Refusal.ADDRESS_BUSY)).isEqualTo(12);
        assertThat(auth.refusals(Refusal.BUSY)).isZero();
      }
    }
  }

  /** Issue 21, defect 3: an attack on a user name from one address locked its owner out. */
  @Nested
  class OwnerNotLockedOut {
    @Test
    @DisplayName(
        "a minute's attack on 'alice' from one address: her right password from her own address is"
            + " accepted; from the attacker's it is refused")
    void attackFromOneAddress() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      String attacker = "198.51.100.66";
      for (int second = 0; second < 60; second++) {
        result(auth.authenticate(id("d1", "alice", attacker), pw("guess" + second)));
        clock.advance(Duration.ofSeconds(1));
      }
      assertThat(
              result(auth.authenticate(id("d1", "alice", "192.0.2.10"), pw("alice-pw"))).accepted())
          .isTrue();
      AuthResult fromAttacker =
          result(auth.authenticate(id("d1", "alice", attacker), pw("alice-pw")));
      assertThat(fromAttacker.accepted()).isFalse();
      assertThat(fromAttacker.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      assertThat(fromAttacker.reason())
          .isEqualTo("throttled after 5 failed logins for user 'alice' from address " + attacker);
    }

    @Test
    @DisplayName(
        "a distributed attack reaches the user's ceiling of 100 failures a minute: a new address is"
            + " refused, an address the user logged in from lately is not")
    void distributedAttack() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      assertThat(
              result(auth.authenticate(id("d1", "alice", "192.0.2.10"), pw("alice-pw"))).accepted())
          .isTrue();
      cache.clear(); // the owner's next login is hashed again, not a cache hit
      for (int address = 1; address <= 20; address++) {
        for (int i = 0; i < 5; i++) {
          assertRefused(
              result(auth.authenticate(id("d1", "alice", "198.51.100." + address), pw("g" + i))),
              ReasonCode.BAD_USER_NAME_OR_PASSWORD,
              "wrong password for 'alice'");
        }
      }
      assertRefused(
          result(auth.authenticate(id("d1", "alice", "203.0.113.77"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "throttled after 100 failed logins for user 'alice'");
      assertThat(
              result(auth.authenticate(id("d1", "alice", "192.0.2.10"), pw("alice-pw"))).accepted())
          .isTrue();
      assertThat(hashes.get()).isEqualTo(102);
    }
  }

  @Nested
  class DeviceConditions {
    @Test
    @DisplayName("a disabled device: 0x87")
    void disabled() throws Exception {
      directory.devices(Devices.disabled(alice));
      HubAuthenticator auth = authenticator();
      assertRefused(
          result(auth.authenticate(id("d1", "alice"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' is disabled");
      assertThat(auth.refusals(Refusal.DEVICE_DISABLED)).isEqualTo(1);
    }

    @Test
    @DisplayName("strict client id: its credentials only with its own client id")
    void strictClientId() throws Exception {
      directory.devices(Devices.strict(alice));
      HubAuthenticator auth = authenticator();
      assertRefused(
          result(auth.authenticate(id("laptop", "alice"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "credentials of device 'd1' used with client id 'laptop'");
      assertThat(result(auth.authenticate(id("d1", "alice"), pw("alice-pw"))).accepted()).isTrue();
    }

    @Test
    @DisplayName("not strict: the credentials work with any free client id (an app account)")
    void notStrict() throws Exception {
      directory.devices(alice);
      AuthResult r = result(authenticator().authenticate(id("phone-app", "alice"), pw("alice-pw")));
      assertThat(r.accepted()).isTrue();
      assertThat(access(r).deviceClientId()).isEqualTo("d1");
    }

    @Test
    @DisplayName("allowed sources: IPv4 and IPv6 CIDRs; anywhere else 0x87")
    void cidrs() throws Exception {
      directory.devices(Devices.from(alice, "10.0.0.0/8", "2001:db8::/32"));
      HubAuthenticator auth = authenticator();
      assertThat(
              result(auth.authenticate(id("d1", "alice", "10.1.2.3"), pw("alice-pw"))).accepted())
          .isTrue();
      assertThat(
              result(auth.authenticate(id("d1", "alice", "2001:db8:5::1"), pw("alice-pw")))
                  .accepted())
          .isTrue();
      assertThat(
              result(auth.authenticate(id("d1", "alice", "::ffff:10.9.9.9"), pw("alice-pw")))
                  .accepted())
          .isTrue();
      assertRefused(
          result(auth.authenticate(id("d1", "alice", "192.0.2.1"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' may not connect from 192.0.2.1");
      assertRefused(
          result(auth.authenticate(id("d1", "alice", "2001:db9::1"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' may not connect from 2001:db9:0:0:0:0:0:1");
      ClientIdentity unknownAddress = new ClientIdentity("d1", "alice", null);
      assertRefused(
          result(auth.authenticate(unknownAddress, pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' may not connect from an unknown address");
    }

    @Test
    @DisplayName("hijack: another device's client id is refused whatever the credentials")
    void hijack() throws Exception {
      directory.devices(alice, bob);
      HubAuthenticator auth = authenticator(LoginSettings.defaults().withAnonymous(true), jwt);
      assertRefused(
          result(auth.authenticate(id("d2", "alice"), pw("alice-pw"))),
          ReasonCode.NOT_AUTHORIZED,
          "client id 'd2' belongs to another device than that of 'alice'");
      assertRefused(
          result(auth.authenticate(id("d2", null), null)),
          ReasonCode.NOT_AUTHORIZED,
          "client id 'd2' belongs to another device");
      assertRefused(
          result(auth.authenticate(id("d2", null), pw(token(claims("carol"))))),
          ReasonCode.NOT_AUTHORIZED,
          "client id 'd2' belongs to another device than that of 'carol'");
      assertThat(auth.refusals(Refusal.CLIENT_ID_TAKEN)).isEqualTo(3);
      assertThat(result(auth.authenticate(id("d2", "bob"), pw("bob-pw"))).accepted()).isTrue();
    }
  }

  @Nested
  class Anonymous {
    @Test
    @DisplayName("no credentials, anonymous on: accepted with no user name and global rules only")
    void on() throws Exception {
      HubAuthenticator auth = authenticator(LoginSettings.defaults().withAnonymous(true), jwt);
      AuthResult r = result(auth.authenticate(id("c1", null), null));
      assertThat(r.accepted()).isTrue();
      assertThat(r.principal().username()).isNull();
      assertThat(access(r).deviceClientId()).isNull();
      assertThat(access(r).ownRules()).isEmpty();
      assertThat(r.principal().fixedSubscriptions()).isNull();
    }

    @Test
    @DisplayName("no credentials, anonymous off: 0x87")
    void off() throws Exception {
      HubAuthenticator auth = authenticator();
      assertRefused(
          result(auth.authenticate(id("c1", null), null)),
          ReasonCode.NOT_AUTHORIZED,
          "anonymous access is off");
      assertThat(auth.refusals(Refusal.ANONYMOUS_OFF)).isEqualTo(1);
    }

    @Test
    @DisplayName("a user name without a password is a password login, not anonymous")
    void usernameOnly() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator(LoginSettings.defaults().withAnonymous(true), jwt);
      assertRefused(
          result(auth.authenticate(id("c1", "alice"), null)),
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "no password for 'alice'");
    }
  }

  @Nested
  class Token {
    @Test
    @DisplayName("a valid token: its user name, its acl as the client's own rules, no device")
    void valid() throws Exception {
      String t =
          token(
              claims("carol")
                  .claim(
                      "acl",
                      List.of(Map.of("permission", "deny", "action", "all", "topic", "x/#"))));
      AuthResult r = result(authenticator().authenticate(id("c7", "ignored"), pw(t)));
      assertThat(r.accepted()).isTrue();
      assertThat(r.principal().username()).isEqualTo("carol");
      assertThat(access(r).deviceClientId()).isNull();
      assertThat(access(r).ownRules())
          .singleElement()
          .satisfies(
              rule -> {
                assertThat(rule.action()).isEqualTo(RuleAction.DENY);
                assertThat(rule.filter()).isEqualTo("x/#");
              });
      assertThat(hashes.get()).isZero();
    }

    @Test
    @DisplayName("a token for a registered user: that device applies (and must be enabled)")
    void withDevice() throws Exception {
      directory.devices(alice);
      HubAuthenticator auth = authenticator();
      AuthResult r = result(auth.authenticate(id("d1", null), pw(token(claims("alice")))));
      assertThat(r.accepted()).isTrue();
      assertThat(access(r).deviceClientId()).isEqualTo("d1");

      directory.devices(Devices.disabled(alice));
      assertRefused(
          result(auth.authenticate(id("d1", null), pw(token(claims("alice"))))),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' is disabled");
    }

    @Test
    @DisplayName("a bad token: 0x86 with the verifier's reason, and a throttle failure")
    void invalid() throws Exception {
      HubAuthenticator auth = authenticator();
      String expired =
          token(claims("carol").expirationTime(Date.from(clock.instant().minusSeconds(3600))));
      AuthResult r = result(auth.authenticate(id("c7", null), pw(expired)));
      assertThat(r.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(r.reason()).startsWith("token expired at");
      assertThat(auth.refusals(Refusal.BAD_TOKEN)).isEqualTo(1);
      assertThat(throttle.failures()).isEqualTo(1);
    }

    @Test
    @DisplayName("a token for another client id: 0x87")
    void otherClient() throws Exception {
      AuthResult r =
          result(
              authenticator()
                  .authenticate(
                      id("c7", null), pw(token(claims("carol").claim("clientid", "c8")))));
      assertRefused(
          r, ReasonCode.NOT_AUTHORIZED, "token of 'carol' is for client id 'c8', not 'c7'");
    }

    @Test
    @DisplayName("JWT not configured: a token-shaped password is just a password")
    void notConfigured() throws Exception {
      String jwtLike = "aaaa.bbbb.cccc";
      directory.devices(device("d1", "alice", HASHER.hash(jwtLike.toCharArray())));
      HubAuthenticator auth = authenticator(LoginSettings.defaults(), null);
      assertThat(result(auth.authenticate(id("d1", "alice"), pw(jwtLike))).accepted()).isTrue();
      assertThat(hashes.get()).isEqualTo(1);
    }
  }

  @Nested
  class Certificate {
    private HubAuthenticator cn(boolean requireDevice) {
      return authenticator(
          LoginSettings.defaults().withCertificates(CertificateIdentity.CN, requireDevice), jwt);
    }

    @Test
    @DisplayName("cn: the certificate's CN is the user; the CONNECT user name is ignored")
    void cnWithDevice() throws Exception {
      directory.devices(alice);
      X509Certificate cert = Certificates.selfSigned(certKeys, "CN=alice,O=Lab");
      AuthResult r = result(cn(false).authenticate(withCertificate("d1", "mallory", cert), null));
      assertThat(r.accepted()).isTrue();
      assertThat(r.principal().username()).isEqualTo("alice");
      assertThat(access(r).deviceClientId()).isEqualTo("d1");
      assertThat(hashes.get()).isZero();
    }

    @Test
    @DisplayName("san: the first DNS name is the user")
    void san() throws Exception {
      X509Certificate cert =
          Certificates.selfSigned(
              certKeys, "CN=x", org.bouncycastle.asn1.x509.GeneralName.dNSName, "sensor.example");
      AuthResult r =
          result(
              authenticator(
                      LoginSettings.defaults().withCertificates(CertificateIdentity.SAN, false),
                      jwt)
                  .authenticate(withCertificate("s1", null, cert), null));
      assertThat(r.principal().username()).isEqualTo("sensor.example");
    }

    @Test
    @DisplayName("the device of a certificate user must be enabled")
    void disabledDevice() throws Exception {
      directory.devices(Devices.disabled(alice));
      X509Certificate cert = Certificates.selfSigned(certKeys, "CN=alice");
      assertRefused(
          result(cn(false).authenticate(withCertificate("d1", null, cert), null)),
          ReasonCode.NOT_AUTHORIZED,
          "device 'd1' is disabled");
    }

    @Test
    @DisplayName("no device: global rules only, or 0x87 when a device is required")
    void noDevice() throws Exception {
      X509Certificate cert = Certificates.selfSigned(certKeys, "CN=gateway");
      AuthResult r = result(cn(false).authenticate(withCertificate("g1", null, cert), null));
      assertThat(r.accepted()).isTrue();
      assertThat(access(r).deviceClientId()).isNull();
      assertRefused(
          result(cn(true).authenticate(withCertificate("g1", null, cert), null)),
          ReasonCode.NOT_AUTHORIZED,
          "no device for certificate user 'gateway'");
    }

    @Test
    @DisplayName("a certificate without the configured name: 0x87")
    void noName() throws Exception {
      X509Certificate cert = Certificates.selfSigned(certKeys, "O=Lab");
      assertRefused(
          result(cn(false).authenticate(withCertificate("g1", null, cert), null)),
          ReasonCode.NOT_AUTHORIZED,
          "client certificate of 'g1' has no common name");
    }

    @Test
    @DisplayName("certificate identity off: a certificate changes nothing, the password decides")
    void off() throws Exception {
      directory.devices(alice);
      X509Certificate cert = Certificates.selfSigned(certKeys, "CN=bob");
      AuthResult r =
          result(
              authenticator().authenticate(withCertificate("d1", "alice", cert), pw("alice-pw")));
      assertThat(r.principal().username()).isEqualTo("alice");
    }
  }

  @Test
  @DisplayName("an unexpected failure completes the stage exceptionally (server unavailable)")
  void unexpectedFailure() throws Exception {
    HubAuthenticator auth =
        new HubAuthenticator(
            new MutableDirectory() {
              @Override
              public Device byUsername(String hub, String username) {
                throw new IllegalStateException("directory broken");
              }
            },
            LoginSettings.defaults(),
            pool,
            cache,
            throttle,
            jwt);
    assertThat(auth.authenticate(id("c", "alice"), pw("x")).toCompletableFuture())
        .isCompletedExceptionally();
  }
}
