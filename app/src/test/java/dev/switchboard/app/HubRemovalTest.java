package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub removed from the registry takes its broker state with it, on the server as {@code
 * switchboard start} builds it (SQLite store, strict durability): removed while the server runs (as
 * {@code switchboard hubs remove} does, from another connection to the registry), and removed while
 * it is stopped. A hub added again under the old name starts empty; other hubs keep theirs.
 */
@DisplayName("Removing a hub discards its sessions and retained messages, running or stopped")
class HubRemovalTest {
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final MqttVersion V5 = MqttVersion.V5;

  @TempDir Path dir;
  private SwitchboardConfig config;
  private HubServer server;
  private final List<RawClient> clients = new ArrayList<>();

  @BeforeEach
  void configure() throws IOException {
    config = TestServerConfig.write(dir, "hubs", "");
    for (String hub : List.of("team3", "team4")) {
      addHub(hub);
    }
  }

  @AfterEach
  void stop() {
    clients.forEach(RawClient::close);
    if (server != null) {
      server.close();
    }
  }

  private void addHub(String hub) {
    PasswordHasher hasher = config.authSettings().hasher();
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      registry.addHub(Hub.create(hub, System.currentTimeMillis()));
      for (String id : List.of("device_1", "app_1")) {
        registry.add(Device.create(hub, id, id, hasher.hash("pw".toCharArray()), 0));
      }
    }
  }

  private void removeHub(String hub) {
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      assertThat(registry.removeHub(hub, true)).isTrue();
    }
  }

  private RawClient connect(String clientId, String hub, boolean expectPresent) {
    RawClient c = RawClient.open(server.broker.mqttPort(), V5);
    clients.add(c);
    c.send(
        new Connect(
            V5,
            clientId,
            false,
            60,
            clientId + "@" + hub,
            "pw".getBytes(StandardCharsets.UTF_8),
            null,
            MqttProperties.builder().sessionExpiryInterval(3600L).build()));
    ConnAck ack = c.expect(ConnAck.class);
    assertThat(ack.reasonCode()).as("CONNACK of %s@%s", clientId, hub).isZero();
    assertThat(ack.sessionPresent())
        .as("session present, %s@%s", clientId, hub)
        .isEqualTo(expectPresent);
    return c;
  }

  /** device_1 of the hub subscribes and leaves its session behind; app_1 retains a status. */
  private RawClient fill(String hub) {
    RawClient device = connect("device_1", hub, false);
    device.send(new Subscribe(1, List.of(new Subscription("cmd/#", 1)), MqttProperties.EMPTY));
    device.expect(SubAck.class);
    device.send(Disconnect.NORMAL);
    RawClient app = connect("app_1", hub, false);
    for (String topic : List.of("status", "cmd/light")) {
      app.send(
          new Publish(
              topic,
              (hub + " " + topic).getBytes(StandardCharsets.UTF_8),
              1,
              topic.equals("status"),
              false,
              7,
              MqttProperties.EMPTY));
      app.expect(PubAck.class);
    }
    return app;
  }

  /** What a hub's clients find: device_1's session and queued command, the retained status. */
  private void assertKept(String hub) {
    RawClient device = connect("device_1", hub, true);
    assertThat(text(device.expect(Publish.class))).isEqualTo(hub + " cmd/light");
    assertThat(text(watch(hub, true).expect(Publish.class))).isEqualTo(hub + " status");
  }

  private void assertEmpty(String hub) {
    RawClient device = connect("device_1", hub, false);
    RawClient watcher = watch(hub, false);
    device.expectNothing(QUIET);
    watcher.expectNothing(QUIET);
  }

  private RawClient watch(String hub, boolean sessionPresent) {
    RawClient watcher = connect("app_1", hub, sessionPresent);
    watcher.send(new Subscribe(2, List.of(new Subscription("status", 0)), MqttProperties.EMPTY));
    watcher.expect(SubAck.class);
    return watcher;
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  private void restart() {
    clients.forEach(RawClient::close);
    clients.clear();
    server.close();
    server = HubServer.start(config);
  }

  @Test
  @DisplayName(
      "removed while running: its clients are told 'not authorized' and everything of it goes;"
          + " added again under its name, it starts empty, also after a restart")
  void removedWhileRunning() {
    server = HubServer.start(config);
    RawClient team3 = fill("team3");
    fill("team4");

    removeHub("team3");

    Disconnect told = team3.expect(Disconnect.class);
    assertThat(told.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !server.broker.hubs().contains("team3"));
    addHub("team3");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.access.directory().hub("team3") != null);

    assertEmpty("team3");
    assertKept("team4");
    restart();
    assertThat(server.broker.hubs()).contains("team3", "team4"); // what the two tests above made
    assertKept("team4");
  }

  @Test
  @DisplayName("removed while stopped: what it left in the store is discarded at the next start")
  void removedWhileStopped() {
    server = HubServer.start(config);
    fill("team3");
    fill("team4");
    server.close();
    clients.clear();
    removeHub("team3");

    server = HubServer.start(config);

    assertThat(server.broker.hubs()).contains("team4").doesNotContain("team3");
    assertKept("team4");
    addHub("team3");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.access.directory().hub("team3") != null);
    assertEmpty("team3");
  }
}
