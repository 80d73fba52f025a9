package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.app.HubLayout.Traffic;
import dev.switchboard.bench.ClientNames;
import dev.switchboard.bench.Scenario;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.store.registry.RegistryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard bench hubs}: its fleet, its hubs, and a short run of the whole command. */
@DisplayName("bench hubs: one hub against many, same devices and traffic")
class HubsBenchTest {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "both layouts register the run's every client as a device, by the names the runner gives;"
          + " the many-hubs layout puts each group in a hub of its own")
  void layoutsRegisterEveryClientOfTheRun() {
    for (Traffic traffic : Traffic.values()) {
      HubLayout one = HubLayout.oneHub(4, 10);
      HubLayout many = HubLayout.manyHubs(4, 10);
      Scenario scenario = many.scenario(traffic, 10, Duration.ofSeconds(2), Duration.ZERO);
      int subscribers = scenario.subscribers().stream().mapToInt(g -> g.count()).sum();
      int publishers = scenario.publishers().stream().mapToInt(g -> g.count()).sum();
      assertThat(subscribers + publishers).isEqualTo(40);
      assertThat(one.scenario(traffic, 10, Duration.ofSeconds(2), Duration.ZERO))
          .isEqualTo(scenario);

      Map<String, List<Device>> inOne = one.devices(scenario, "x-", "hash");
      Map<String, List<Device>> inMany = many.devices(scenario, "x-", "hash");
      assertThat(inOne).containsOnlyKeys(HubLayout.ONE_HUB);
      assertThat(inMany).containsOnlyKeys("bench-0", "bench-1", "bench-2", "bench-3");
      assertThat(inMany.values()).allSatisfy(d -> assertThat(d).hasSize(10));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        expected.add(ClientNames.subscriber("x-", i));
      }
      for (int i = 0; i < publishers; i++) {
        expected.add(ClientNames.publisher("x-", i));
      }
      for (Map<String, List<Device>> layout : List.of(inOne, inMany)) {
        assertThat(layout.values().stream().flatMap(List::stream).map(Device::clientId))
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(layout.values().stream().flatMap(List::stream))
            .allSatisfy(d -> assertThat(d.username()).isEqualTo(d.clientId()));
      }
      // group 1's publisher is in group 1's hub, with group 1's subscribers
      String firstOfGroup1 = ClientNames.publisher("x-", scenario.publishers().get(0).count());
      assertThat(inMany.get("bench-1")).extracting(Device::clientId).contains(firstOfGroup1);
    }
  }

  @Test
  @DisplayName(
      "a device of the many-hubs registry, logging in as its client id with no hub named, lands"
          + " in its group's hub")
  void devicesLandInTheirHub() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Map<String, String> env = new java.util.HashMap<>(HubsBenchCommand.environment());
    env.put("SWITCHBOARD_LISTENERS_BIND", "127.0.0.1");
    SwitchboardConfig config =
        SwitchboardConfig.load(
            null, env, Map.of("data-dir", data.toString(), "listeners.mqtt.port", 0));
    HubLayout many = HubLayout.manyHubs(3, 8);
    Scenario scenario = many.scenario(Traffic.P2P, 10, Duration.ofSeconds(1), Duration.ZERO);
    String hash = config.authSettings().hasher().hash("pw".toCharArray());
    Map<String, List<Device>> fleet = many.devices(scenario, "t-", hash);
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      many.register(registry, fleet);
    }
    try (HubServer server = HubServer.start(config)) {
      for (var hub : fleet.entrySet()) {
        String clientId = hub.getValue().get(0).clientId();
        try (RawClient c = RawClient.open(server.broker.mqttPort(), MqttVersion.V3_1_1)) {
          c.send(
              new Connect(
                  MqttVersion.V3_1_1,
                  clientId,
                  true,
                  60,
                  clientId,
                  "pw".getBytes(StandardCharsets.UTF_8),
                  null,
                  MqttProperties.EMPTY));
          assertThat(c.expect(ConnAck.class).reasonCode()).isZero();
          assertThat(server.broker.sessions().get(hub.getKey(), clientId))
              .as("%s in %s", clientId, hub.getKey())
              .isNotNull();
          assertThat(server.broker.sessions().get(clientId)).as("not in default").isNull();
        }
      }
    }
  }

  @Test
  @DisplayName(
      "a short run at a fixed rate connects every device in both layouts, delivers every message"
          + " and prints both layouts' medians side by side")
  void aShortRunOfTheCommand() throws Exception {
    Path json = dir.resolve("hubs.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit =
        cmd.execute(
            "bench",
            "hubs",
            "--hubs",
            "2",
            "--devices",
            "8",
            "--rounds",
            "1",
            "--duration",
            "1",
            "--warmup",
            "0",
            "--threads",
            "1",
            "--json",
            json.toString());
    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    assertThat(out.toString()).contains("1 hub x 8", "2 hubs x 4", "p2p-qos1 delivered msg/s");

    JsonNode runs = new ObjectMapper().readTree(json.toFile()).get("runs");
    assertThat(runs).hasSize(4);
    for (JsonNode run : runs) {
      JsonNode r = run.get("result");
      assertThat(r.get("connected").asLong()).as(run.toString()).isEqualTo(8);
      assertThat(r.get("connectFailed").asLong()).isZero();
      assertThat(r.get("errors").asLong()).isZero();
      assertThat(r.get("received").asLong()).as(run.toString()).isPositive();
      assertThat(r.get("deliveredRatio").asDouble()).as(run.toString()).isEqualTo(1.0);
      assertThat(r.get("brokerCpuSeconds").asDouble()).as(run.toString()).isPositive();
    }
  }

  @Test
  @DisplayName("bad sizes are refused with one line and exit code 2, before anything starts")
  void badSizes() {
    for (String[] args :
        List.of(
            new String[] {"--hubs", "3", "--devices", "10"},
            new String[] {"--hubs", "1", "--devices", "10"},
            new String[] {"--hubs", "4", "--devices", "8"},
            new String[] {"--warmup", "20", "--duration", "10"},
            new String[] {"--rate", "-1"})) {
      StringWriter err = new StringWriter();
      var cmd = Main.commandLine();
      cmd.setOut(new PrintWriter(new StringWriter(), true));
      cmd.setErr(new PrintWriter(err, true));
      List<String> argv = new ArrayList<>(List.of("bench", "hubs"));
      argv.addAll(List.of(args));
      assertThat(cmd.execute(argv.toArray(new String[0]))).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).startsWith("switchboard bench hubs: ").hasLineCount(1);
    }
  }
}
