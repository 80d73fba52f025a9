package dev.switchboard.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.hub.acl.ClientAccess;
import dev.switchboard.hub.registry.model.AccessRule;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubStatus;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.hub.testing.MemoryRegistry;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Subscription;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The live registry view over a registry in memory, changed behind its back as {@code switchboard
 * devices} changes the stored registry from another process. The store's own tests check that such
 * changes move the version it polls.
 */
class RegistryDirectoryTest {

  private record Disconnect(Predicate<ClientIdentity> which, int reasonCode, String why) {}

  private final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
  private final List<Device> changed = new CopyOnWriteArrayList<>();
  private final List<String> discarded = new CopyOnWriteArrayList<>();
  private final ClientControl clients =
      new ClientControl() {
        @Override
        public void disconnect(Predicate<ClientIdentity> which, int reasonCode, String why) {
          disconnects.add(new Disconnect(which, reasonCode, why));
        }

        @Override
        public CompletionStage<Void> discardHub(String hub, int reasonCode, String why) {
          assertThat(reasonCode).isEqualTo(ReasonCode.NOT_AUTHORIZED);
          discarded.add(hub);
          return CompletableFuture.completedFuture(null);
        }
      };

  private final MemoryRegistry registry = new MemoryRegistry();
  private RegistryDirectory directory;

  @BeforeEach
  void open() {
    registry.add(Device.create("esp-1", "esp-1", null, 1));
    registry.add(Device.create("app", "phone", null, 1));
    directory = RegistryDirectory.open(registry, clients, Duration.ofHours(1), changed::add);
  }

  @AfterEach
  void close() {
    directory.close();
  }

  private static ClientIdentity client(String clientId, String username, String deviceId) {
    return new ClientIdentity(clientId, username, new InetSocketAddress("127.0.0.1", 1))
        .authenticated(new Principal(username, new ClientAccess(deviceId, List.of()), false, null));
  }

  @Test
  @DisplayName("reads the registry at open: lookups by client id and user name, rules by scope")
  void readsAtOpen() {
    assertThat(directory.byClientId(Hub.DEFAULT, "esp-1").username()).isEqualTo("esp-1");
    assertThat(directory.byUsername(Hub.DEFAULT, "phone").clientId()).isEqualTo("app");
    assertThat(directory.byUsername(Hub.DEFAULT, "nobody")).isNull();
    assertThat(directory.byClientId(Hub.DEFAULT, null)).isNull();
    assertThat(directory.rulesFor(Hub.DEFAULT, "esp-1")).isEmpty();
    assertThat(directory.globalRules(Hub.DEFAULT)).isEmpty();
    assertThat(directory.deviceCount()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a change made to the registry is seen at the next poll; nothing changes between changes")
  void seesChangesAtThePoll() {
    long before = directory.version();
    directory.poll();
    assertThat(directory.version()).isEqualTo(before);

    registry.add(Device.create("esp-2", "esp-2", null, 2));
    AccessRule global =
        registry.addRule(
            new AccessRule(
                0, Hub.DEFAULT, null, 5, RuleAction.DENY, RuleOperation.PUBLISH, "x/#", ""));
    AccessRule own =
        registry.addRule(
            new AccessRule(
                0, Hub.DEFAULT, "esp-1", 1, RuleAction.ALLOW, RuleOperation.ALL, "lab/%c/#", ""));
    assertThat(directory.byClientId(Hub.DEFAULT, "esp-2")).as("not before the poll").isNull();

    directory.poll();
    assertThat(directory.version()).isGreaterThan(before);
    assertThat(directory.byClientId(Hub.DEFAULT, "esp-2")).isNotNull();
    assertThat(directory.globalRules(Hub.DEFAULT)).containsExactly(global);
    assertThat(directory.rulesFor(Hub.DEFAULT, "esp-1")).containsExactly(own);
    assertThat(disconnects).as("adding ends nobody's connection").isEmpty();
    assertThat(changed).isEmpty();
  }

  @Test
  @DisplayName(
      "a hub added while running is seen at the next poll; disabling it ends its clients'"
          + " connections with 'not authorized', removing it discards its broker state")
  void hubChangesWhileRunning() {
    registry.addHub(Hub.create("team3", 5));
    registry.add(Device.create("team3", "esp-1", "esp-1", null, 5));
    assertThat(directory.hub("team3")).as("not before the poll").isNull();
    directory.poll();
    assertThat(directory.hub("team3")).isNotNull();
    assertThat(directory.byClientId("team3", "esp-1")).isNotNull();
    assertThat(directory.hubsWithUsername("esp-1")).containsExactly("default", "team3");
    assertThat(disconnects).isEmpty();

    registry.updateHub(registry.hub("team3").orElseThrow().withStatus(HubStatus.DISABLED));
    directory.poll();

    assertThat(disconnects).hasSize(1);
    Disconnect d = disconnects.get(0);
    assertThat(d.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    assertThat(d.why()).isEqualTo("hub disabled");
    ClientIdentity inTeam3 =
        new ClientIdentity("esp-1", "esp-1", new InetSocketAddress("127.0.0.1", 1))
            .authenticated(new Principal("team3", "esp-1", null, false, null));
    assertThat(d.which().test(inTeam3)).isTrue();
    assertThat(d.which().test(client("esp-1", "esp-1", "esp-1")))
        .as("the same client id in the default hub")
        .isFalse();

    registry.removeHub("team3", true);
    directory.poll();
    assertThat(directory.hub("team3")).isNull();
    // the hub's clients are gone already; its devices' removal is told as for any device
    assertThat(disconnects)
        .extracting(Disconnect::why)
        .containsExactly("hub disabled", "device removed");
    assertThat(discarded).containsExactly("team3");
  }

  @Test
  @DisplayName(
      "a hub removed while active, or removed and added again under its name between two polls,"
          + " has its broker state discarded; other hubs' is kept")
  void removedHubsAreDiscarded() {
    registry.addHub(Hub.create("team3", 5));
    registry.addHub(Hub.create("team4", 5));
    registry.addHub(Hub.create("team5", 5));
    directory.poll();
    assertThat(discarded).isEmpty();

    registry.removeHub("team3", true);
    registry.removeHub("team4", true);
    registry.addHub(Hub.create("team4", 6)); // another hub of the same name
    directory.poll();

    assertThat(directory.hub("team4")).isNotNull();
    assertThat(directory.hub("team5")).isNotNull();
    assertThat(discarded).containsExactlyInAnyOrder("team3", "team4");
    assertThat(disconnects).as("discarding ends the connections itself").isEmpty();
  }

  @Test
  @DisplayName(
      "disabling or removing a device ends the connections that use its credentials or its"
          + " client id, with 'not authorized'")
  void disableAndRemoveEndConnections() {
    registry.update(registry.device(Hub.DEFAULT, "esp-1").orElseThrow().withEnabled(false));
    directory.poll();
    assertThat(disconnects).hasSize(1);
    Disconnect d = disconnects.get(0);
    assertThat(d.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    assertThat(d.why()).contains("disabled");
    assertThat(d.which().test(client("esp-1", "esp-1", "esp-1"))).isTrue();
    assertThat(d.which().test(client("other-id", "esp-1", "esp-1")))
        .as("its credentials under another client id")
        .isTrue();
    assertThat(d.which().test(client("app", "phone", "app"))).isFalse();
    assertThat(changed).extracting(Device::clientId).containsExactly("esp-1");

    registry.remove(Hub.DEFAULT, "app");
    directory.poll();
    assertThat(disconnects).hasSize(2);
    assertThat(disconnects.get(1).why()).contains("removed");
    assertThat(disconnects.get(1).which().test(client("app", "phone", "app"))).isTrue();
    assertThat(directory.byUsername(Hub.DEFAULT, "phone")).isNull();
  }

  @Test
  @DisplayName(
      "a change of the terms a connection was let in on ends it with 'administrative action'; a"
          + " new password or replace policy does not, but it is reported for the password cache")
  void termsChanged() {
    Device esp = registry.device(Hub.DEFAULT, "esp-1").orElseThrow();
    registry.update(esp.withPasswordHash("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
    directory.poll();
    assertThat(disconnects).isEmpty();
    assertThat(changed).extracting(Device::clientId).containsExactly("esp-1");

    esp = registry.device(Hub.DEFAULT, "esp-1").orElseThrow();
    registry.update(
        new Device(
            Hub.DEFAULT,
            esp.clientId(),
            esp.username(),
            esp.passwordHash(),
            true,
            ReplacePolicy.REJECT,
            false,
            false,
            List.of(),
            List.of(),
            esp.createdAt(),
            0));
    directory.poll();
    assertThat(disconnects).isEmpty();

    List<Device> changes = new ArrayList<>();
    esp = registry.device(Hub.DEFAULT, "esp-1").orElseThrow();
    changes.add(esp.withUsername("esp-one"));
    changes.add(
        new Device(
            Hub.DEFAULT,
            esp.clientId(),
            "esp-one",
            esp.passwordHash(),
            true,
            ReplacePolicy.REJECT,
            false,
            false,
            List.of(),
            List.of(Cidr.parse("10.0.0.0/8")),
            esp.createdAt(),
            0));
    changes.add(
        new Device(
            Hub.DEFAULT,
            esp.clientId(),
            "esp-one",
            esp.passwordHash(),
            true,
            ReplacePolicy.REJECT,
            false,
            true,
            List.of(new Subscription("cmd/esp-1", 1)),
            List.of(Cidr.parse("10.0.0.0/8")),
            esp.createdAt(),
            0));
    for (Device change : changes) {
      registry.update(change);
      directory.poll();
    }
    assertThat(disconnects).hasSize(3);
    assertThat(disconnects)
        .allSatisfy(d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.ADMINISTRATIVE_ACTION));
  }

  @Test
  @DisplayName(
      "a registry that cannot be read keeps the last view; reading again once it can be read")
  void keepsTheLastViewWhenTheRegistryFails() {
    registry.remove(Hub.DEFAULT, "esp-1");
    registry.failReads(true); // reads now fail with a StoreException
    directory.poll();
    assertThat(directory.byClientId(Hub.DEFAULT, "esp-1")).isNotNull();
    assertThat(disconnects).isEmpty();

    registry.failReads(false);
    directory.poll();
    assertThat(directory.byClientId(Hub.DEFAULT, "esp-1"))
        .as("the removal, once readable")
        .isNull();
    assertThat(disconnects).hasSize(1);
  }

  @Test
  @DisplayName("the poller runs by itself at the interval")
  void pollsByItself() {
    try (RegistryDirectory fast =
        RegistryDirectory.open(registry, clients, Duration.ofMillis(20), changed::add)) {
      registry.add(Device.create("late", "late", null, 3));
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fast.byClientId(Hub.DEFAULT, "late") != null);
    }
  }
}
