package dev.switchboard.device.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttClientNetwork;
import dev.switchboard.client.MqttClientState;
import dev.switchboard.client.MqttEventId;
import dev.switchboard.device.Device;
import dev.switchboard.device.DeviceCounters;
import dev.switchboard.device.DeviceRuntime;
import dev.switchboard.device.TaskWatchdog;
import dev.switchboard.device.firmware.Sensor;
import dev.switchboard.device.net.AccessPoint;
import dev.switchboard.device.net.WifiAir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleets: a thousand devices in one JVM, bad configurations, faults. */
class FleetTest {
  @TempDir Path dir;
  TestBroker broker;
  DeviceRuntime runtime;
  final List<String> errorLines = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    broker = TestBroker.start();
    runtime =
        new DeviceRuntime(
            new WifiAir(
                List.of(new AccessPoint("switchboard", "switchboard")), WifiAir.Timing.FAST),
            new TaskWatchdog(TaskWatchdog.DEFAULT_TIMEOUT),
            MqttClientNetwork.shared(),
            (device, level, line) -> {
              if (level == 'E') {
                errorLines.add(line);
              }
            },
            new DeviceCounters());
  }

  @AfterEach
  void tearDown() {
    runtime.close();
    broker.close();
  }

  private Fleet.Spec spec(int count, Map<String, String> credentials, FaultPlan faults) {
    return new Fleet.Spec(
        Sensor::new,
        count,
        "mqtt://127.0.0.1:" + broker.port(),
        "device_%d",
        credentials,
        dir,
        Map.of("CONFIG_SENSOR_PERIOD_S", "5"),
        faults,
        500);
  }

  @Test
  @DisplayName("1,000 sensors in one JVM: every one connects and publishes")
  void thousandDevices() throws Exception {
    Set<String> publishers = ConcurrentHashMap.newKeySet();
    MqttClient observer =
        MqttClient.init(
            MqttClientConfig.builder()
                .broker(b -> b.uri("mqtt://127.0.0.1:" + broker.port()))
                .credentials(c -> c.clientId("observer"))
                .build());
    observer.registerEvent(MqttEventId.CONNECTED, e -> e.client().subscribe("+/telemetry", 0));
    observer.registerEvent(
        MqttEventId.DATA, e -> publishers.add(e.topic().substring(0, e.topic().indexOf('/'))));
    observer.start();
    await().until(() -> observer.getState() == MqttClientState.CONNECTED);
    try (Fleet fleet = new Fleet(spec(1000, Map.of(), FaultPlan.NONE), runtime)) {
      fleet.start();
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> fleet.summary().connected() == 1000);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> publishers.size() == 1000);
      Fleet.Summary s = fleet.summary();
      assertThat(s.running()).isEqualTo(1000);
      assertThat(s.aborted()).isZero();
      assertThat(s.line()).startsWith("devices 1000 · running 1000 · connected 1000 · ");
    } finally {
      observer.destroy();
    }
    assertThat(runtime.counters().connected()).isZero();
  }

  @Test
  @DisplayName(
      "a device with a bad sdkconfig, one missing from the credentials: each not started, the rest run")
  void badConfiguration() throws Exception {
    Files.createDirectories(dir.resolve("device_2"));
    Files.writeString(
        dir.resolve("device_2/sdkconfig"), "CONFIG_EXAMPLE_WIFI_SSID=\"lab\"\nssid lab\n");
    Files.createDirectories(dir.resolve("device_4"));
    Files.writeString(
        dir.resolve("device_4/sdkconfig"), "CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY=lots\n");
    Map<String, String> credentials =
        Map.of("device_1", "pw1", "device_2", "pw2", "device_4", "pw4", "device_5", "pw5");
    try (Fleet fleet = new Fleet(spec(5, credentials, FaultPlan.NONE), runtime)) {
      fleet.start();
      await().until(() -> fleet.summary().connected() == 2);
      await().until(() -> fleet.summary().aborted() == 3);
      // device_2 and device_3 never started; device_4 started and stopped on its bad value
      assertThat(fleet.devices())
          .extracting(Device::name)
          .containsExactly("device_1", "device_4", "device_5");
      assertThat(fleet.devices().get(1).state()).isEqualTo(Device.State.ABORTED);
    }
    assertThat(errorLines)
        .anyMatch(
            l ->
                l.startsWith("device_2 E (0) device: bad device configuration: ")
                    && l.contains("line 2: expected CONFIG_NAME=value"))
        .anyMatch(
            l ->
                l.startsWith(
                    "device_3 E (0) device: bad device configuration: the credentials file has no password for device_3"))
        .anyMatch(
            l ->
                l.startsWith("device_4 E ")
                    && l.contains(
                        "bad device configuration: CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY=\"lots\" is not a number"));
  }

  @Test
  @DisplayName("fault specs: kinds, durations, repeats; a bad one names itself")
  void faultSpecs() {
    FaultPlan plan =
        FaultPlan.parse("link-down=5s@30s, broker-unreachable=500ms@1m/2m,lost-ip=3s@90s");
    assertThat(plan.faults())
        .containsExactly(
            new FaultPlan.Fault(
                FaultPlan.Kind.LINK_DOWN, Duration.ofSeconds(5), Duration.ofSeconds(30), null),
            new FaultPlan.Fault(
                FaultPlan.Kind.BROKER_UNREACHABLE,
                Duration.ofMillis(500),
                Duration.ofMinutes(1),
                Duration.ofMinutes(2)),
            new FaultPlan.Fault(
                FaultPlan.Kind.LOST_IP, Duration.ofSeconds(3), Duration.ofSeconds(90), null));
    assertThatThrownBy(() -> FaultPlan.parse("link-down=5s"))
        .hasMessageContaining("fault 'link-down=5s': expected KIND=DURATION@START[/EVERY]");
    assertThatThrownBy(() -> FaultPlan.parse("meteor=5s@1s")).hasMessageContaining("the kinds are");
  }

  @Test
  @DisplayName("a fleet's faults hit every device: reconnects are counted and all come back")
  void faultsInAFleet() throws Exception {
    try (Fleet fleet =
        new Fleet(spec(3, Map.of(), FaultPlan.parse("broker-unreachable=300ms@3s")), runtime)) {
      fleet.start();
      await().until(() -> fleet.summary().connected() == 3);
      await().atMost(Duration.ofSeconds(40)).until(() -> fleet.summary().reconnects() == 3);
      await().until(() -> fleet.summary().connected() == 3);
      assertThat(fleet.summary().errors()).isGreaterThanOrEqualTo(3);
    }
  }
}
