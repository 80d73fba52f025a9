package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Quota;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.HubStatus;
import dev.switchboard.hub.testing.MutableClock;
import dev.switchboard.hub.testing.MutableDirectory;
import dev.switchboard.mqtt.ReasonCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which hub a CONNECT belongs to: {@code name@hub}, the listener's hub, the host name's, the only
 * hub with the user name; ambiguous, unknown and disabled hubs refused as a bad user name or
 * password, counted, the reason in the log line only.
 */
@DisplayName("Hub selection at CONNECT")
class HubSelectionTest {
  private static final PasswordHasher HASHER =
      new PasswordHasher(
          new PasswordHasher.Settings(PasswordHasher.Algorithm.ARGON2ID, 256, 1, 1, 1000));
  private static final String A_HASH = HASHER.hash("pw-a".toCharArray());
  private static final String B_HASH = HASHER.hash("pw-b".toCharArray());

  private final MutableClock clock = new MutableClock();
  private final MutableDirectory directory = new MutableDirectory();
  private final VerificationPool pool = new VerificationPool(HASHER::verify, 2, 16);
  private final SuccessCache cache = new SuccessCache(clock, Duration.ofMinutes(5), 1000);
  private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Settings.DEFAULT, clock);

  @BeforeEach
  void registry() {
    directory.set(
        List.of(
            Hub.create(Hub.DEFAULT, 0),
            Hub.create("team3", 0),
            Hub.create("team4", 0).withLimits(new HubLimits(10, 8, 1024, 50, 100)),
            Hub.create("closed", 0).withStatus(HubStatus.DISABLED)),
        List.of(
            Device.create("team3", "device_1", "device_1", A_HASH, 0),
            Device.create("team4", "device_1", "device_1", B_HASH, 0),
            Device.create("team4", "app_1", "app_1", B_HASH, 0),
            Device.create("closed", "door", "door", A_HASH, 0),
            Device.create(Hub.DEFAULT, "mail", "ann@example", A_HASH, 0)),
        List.of());
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private HubAuthenticator authenticator(HubSelector.Settings hubs) {
    return new HubAuthenticator(
        directory, LoginSettings.defaults().withHubs(hubs), pool, cache, throttle, null);
  }

  private static ClientIdentity id(String user, String listener, String host) throws Exception {
    return new ClientIdentity(
        "c-" + user,
        user,
        new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 40000),
        listener,
        List.of(),
        host,
        null);
  }

  private static AuthResult login(HubAuthenticator auth, ClientIdentity id, String password)
      throws Exception {
    return auth.authenticate(id, password.getBytes(StandardCharsets.UTF_8))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static void assertIn(AuthResult r, String hub, String username) {
    assertThat(r.accepted()).as("accepted: %s", r.reason()).isTrue();
    assertThat(r.principal().hub()).isEqualTo(hub);
    assertThat(r.principal().username()).isEqualTo(username);
  }

  private static void assertBadLogin(AuthResult r, String reason) {
    assertThat(r.accepted()).isFalse();
    assertThat(r.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(r.reason()).isEqualTo(reason);
  }

  @Test
  @DisplayName("'name@hub' picks the hub, and the device is looked up by 'name' in it")
  void userNameAtHub() throws Exception {
    HubAuthenticator auth = authenticator(HubSelector.Settings.NONE);

    assertIn(login(auth, id("device_1@team3", "mqtt", null), "pw-a"), "team3", "device_1");
    assertIn(login(auth, id("device_1@team4", "mqtt", null), "pw-b"), "team4", "device_1");
    assertBadLogin(
        login(auth, id("device_1@team3", "mqtt", null), "pw-b"), "wrong password for 'device_1'");
  }

  @Test
  @DisplayName(
      "a suffix that is no hub leaves the user name whole: 'ann@example' is a default-hub user")
  void anAtThatIsNoHub() throws Exception {
    assertIn(
        login(authenticator(HubSelector.Settings.NONE), id("ann@example", "mqtt", null), "pw-a"),
        Hub.DEFAULT,
        "ann@example");
  }

  @Test
  @DisplayName("a listener dedicated to a hub puts its clients in that hub")
  void listenerBoundHub() throws Exception {
    HubAuthenticator auth =
        authenticator(new HubSelector.Settings(Map.of("team3-mqtt", "team3"), Map.of(), null));

    assertIn(login(auth, id("device_1", "team3-mqtt", null), "pw-a"), "team3", "device_1");
    // on another listener the same name is in two hubs: ambiguous
    assertBadLogin(
        login(auth, id("device_1", "mqtt", null), "pw-a"),
        "user name 'device_1' exists in 2 hubs and the client named none (user name@hub, a hub's"
            + " listener or host)");
    assertThat(auth.refusals(HubAuthenticator.Refusal.HUB_AMBIGUOUS)).isEqualTo(1);
  }

  @Test
  @DisplayName("the host name (SNI or WebSocket Host) maps to a hub, exactly or as <hub>.<domain>")
  void hostMappedHub() throws Exception {
    HubAuthenticator auth =
        authenticator(
            new HubSelector.Settings(Map.of(), Map.of("Door.Example", "team4"), "lab.example"));

    assertIn(login(auth, id("device_1", "wss", "team3.lab.example"), "pw-a"), "team3", "device_1");
    assertIn(login(auth, id("device_1", "wss", "door.example"), "pw-b"), "team4", "device_1");
    assertBadLogin(
        login(auth, id("device_1", "wss", "nohub.lab.example"), "pw-a"),
        "hub 'nohub' (by host nohub.lab.example) does not exist");
    assertThat(auth.refusals(HubAuthenticator.Refusal.HUB_UNKNOWN)).isEqualTo(1);
  }

  @Test
  @DisplayName("otherwise the only hub with the user name; none has it: the default hub's answer")
  void onlyHubWithTheUserName() throws Exception {
    HubAuthenticator auth = authenticator(HubSelector.Settings.NONE);

    assertIn(login(auth, id("app_1", "mqtt", null), "pw-b"), "team4", "app_1");
    assertBadLogin(login(auth, id("nobody", "mqtt", null), "x"), "unknown user 'nobody'");
  }

  @Test
  @DisplayName("the principal carries its hub's limits for the broker; none for a hub without")
  void quotaOfTheHub() throws Exception {
    HubAuthenticator auth = authenticator(HubSelector.Settings.NONE);

    assertThat(login(auth, id("device_1@team4", "mqtt", null), "pw-b").principal().quota())
        .isEqualTo(new Quota(8, 1024, 50, 100));
    assertThat(login(auth, id("device_1@team3", "mqtt", null), "pw-a").principal().quota())
        .isSameAs(Quota.NONE);
  }

  @Test
  @DisplayName("a disabled hub's clients are refused as a bad login, whichever way it was named")
  void disabledHub() throws Exception {
    HubAuthenticator auth = authenticator(HubSelector.Settings.NONE);

    assertBadLogin(
        login(auth, id("door@closed", "mqtt", null), "pw-a"),
        "hub 'closed' (by user name) is disabled");
    assertBadLogin(
        login(auth, id("door", "mqtt", null), "pw-a"), "hub 'closed' (by user name) is disabled");
    assertThat(auth.refusals(HubAuthenticator.Refusal.HUB_DISABLED)).isEqualTo(2);
    // a client of an active hub still gets in
    assertIn(login(auth, id("device_1@team3", "mqtt", null), "pw-a"), "team3", "device_1");
  }
}
