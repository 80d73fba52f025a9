package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.client.MqttEventId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard lab} as a real process: the banner, the devices' messages, a clean stop. */
class LabCommandProcessTest {
  @TempDir Path dir;

  private record Running(
      Process process, int port, Map<String, String> passwords, List<String> banner) {}

  private Running start() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(ChildJvm.command());
    cmd.addAll(
        List.of(
            "lab",
            "--mqtt-port",
            "0",
            "--mqtts-port",
            "off",
            "--ws-port",
            "off",
            "--wss-port",
            "off",
            "--http-port",
            "off",
            "--https-port",
            "off",
            "--data-dir",
            dir.resolve("data").toString()));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> banner = new ArrayList<>();
    Map<String, String> passwords = new TreeMap<>();
    int port = -1;
    String line;
    while ((line = out.readLine()) != null && !line.equals("the lab is running")) {
      banner.add(line);
      if (line.startsWith("mqtt://127.0.0.1:")) {
        port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
      }
      String[] cells = line.split("\\s+");
      if (cells.length > 3 && (cells[0].startsWith("device_") || cells[0].startsWith("app_"))) {
        passwords.put(cells[0], cells[2]);
      }
    }
    assertThat(line)
        .as("the banner ends; stderr: %s", stderrOrNothing())
        .isEqualTo("the lab is running");
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
    return new Running(p, port, passwords, banner);
  }

  private String stderrOrNothing() {
    try {
      return Files.readString(dir.resolve("stderr.txt"));
    } catch (IOException e) {
      return "";
    }
  }

  private void stop(Running r) throws Exception {
    r.process().destroy(); // SIGTERM, as Ctrl-C's SIGINT
    assertThat(r.process().waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
    assertThat(r.process().exitValue()).isZero();
    assertThat(stderrOrNothing()).doesNotContain("Exception");
  }

  @Test
  @DisplayName(
      "the banner, the four devices' messages at a subscriber logged in as app_1, a clean stop; passwords kept for the next run")
  void runsTheHandout() throws Exception {
    Running r = start();
    List<String> seen = new CopyOnWriteArrayList<>();
    MqttClient app1 = null;
    try {
      assertThat(r.passwords().keySet())
          .containsExactly(
              "app_1", "app_2", "app_3", "app_4", "device_1", "device_2", "device_3", "device_4");
      assertThat(r.banner()).anyMatch(l -> l.startsWith("MQTT Dash"));
      assertThat(r.banner()).anyMatch(l -> l.contains("port       " + r.port()));
      app1 =
          MqttClient.init(
              MqttClientConfig.builder()
                  .broker(b -> b.uri("mqtt://127.0.0.1:" + r.port()))
                  .credentials(
                      c ->
                          c.clientId("app_1")
                              .username("app_1")
                              .authentication(a -> a.password(r.passwords().get("app_1"))))
                  .build());
      app1.registerEvent(MqttEventId.CONNECTED, e -> e.client().subscribe("#", 1));
      app1.registerEvent(MqttEventId.DATA, e -> seen.add(e.topic() + "=" + e.dataAsString()));
      app1.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  seen.contains("device_2/status=online")
                      && seen.contains("device_3/status=online")
                      && seen.contains("device_4/status=online")
                      && seen.contains("device_4/led=off")
                      && seen.stream().anyMatch(s -> s.startsWith("device_2/telemetry={"))
                      && seen.stream().anyMatch(s -> s.startsWith("device_3/telemetry={")));
      // device_1 runs the handout's example: it publishes data_3 once, on connecting; a publish
      // to /topic/qos0 reaches its subscription
      app1.publish("/topic/qos0", "hello device_1", 1, false);
      await()
          .until(
              () -> Files.readString(dir.resolve("data/lab-devices.log")).contains("device_1 I ("));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Files.readString(dir.resolve("data/lab-devices.log"))
                      .contains("DATA=hello device_1"));
    } finally {
      if (app1 != null) {
        app1.destroy();
      }
      stop(r);
    }
    Running again = start();
    try {
      assertThat(again.passwords()).isEqualTo(r.passwords());
    } finally {
      stop(again);
    }
  }
}
