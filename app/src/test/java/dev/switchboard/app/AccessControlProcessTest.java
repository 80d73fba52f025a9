package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The hub as a user runs it: {@code switchboard start} in its own process with authentication on,
 * and {@code switchboard devices ...} changing the registry while it runs.
 */
class AccessControlProcessTest {
  @TempDir Path dir;

  private Process hub;
  private final List<String> stdout = new ArrayList<>();
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Mqtt5BlockingClient c : clients) {
      if (c.getState() == MqttClientState.CONNECTED) {
        c.disconnect();
      }
    }
    if (hub != null) {
      hub.destroy();
      if (!hub.waitFor(15, TimeUnit.SECONDS)) {
        hub.destroyForcibly();
      }
    }
  }

  /** Starts the hub on a free port, plain MQTT only; returns the port. */
  private int start(String... extra) throws IOException {
    Path conf = dir.resolve("hub.conf");
    Files.writeString(conf, "switchboard.registry.poll-interval = 100ms\n");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(ChildJvm.command("-XX:TieredStopAtLevel=1"));
    cmd.addAll(
        List.of(
            "start",
            "--config",
            conf.toString(),
            "--bind",
            "127.0.0.1",
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
            data().toString()));
    cmd.addAll(List.of(extra));
    hub =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
    String ready;
    do {
      ready = out.readLine();
      assertThat(ready).as("the hub's ready line; stderr: %s", stderrSoFar()).isNotNull();
    } while (!ready.startsWith("mqtt://"));
    // what follows the listener lines (the empty-registry hint), read as it comes
    CompletableFuture.runAsync(
        () -> {
          try {
            String line;
            while ((line = out.readLine()) != null) {
              synchronized (stdout) {
                stdout.add(line);
              }
            }
          } catch (IOException e) {
            // the process ended
          }
        });
    return Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
  }

  private String stderrSoFar() {
    try {
      return Files.readString(dir.resolve("stderr.txt"));
    } catch (IOException e) {
      return "(none)";
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** {@code switchboard devices ...} in this JVM, on the hub's data directory. */
  private String devices(String... args) {
    List<String> all = new ArrayList<>();
    all.add("devices");
    all.addAll(List.of(args));
    all.add("--data-dir");
    all.add(data().toString());
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(all.toArray(String[]::new));
    assertThat(code).as("devices %s: %s", List.of(args), err).isZero();
    return out.toString();
  }

  private Mqtt5BlockingClient client(int port, String clientId) {
    Mqtt5BlockingClient c =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(port)
            .buildBlocking();
    clients.add(c);
    return c;
  }

  private static void connect(Mqtt5BlockingClient c, String user, String password) {
    c.connectWith()
        .simpleAuth()
        .username(user)
        .password(password.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .send();
  }

  private static Mqtt5ConnAckReasonCode refusal(Runnable connect) {
    try {
      connect.run();
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
    throw new AssertionError("the connection was accepted");
  }

  @Test
  @DisplayName(
      "with an empty registry the hub says how to add a device and refuses anonymous clients; a"
          + " device added while it runs can connect, with its password only")
  void devicesAddedWhileRunning() throws Exception {
    int port = start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              synchronized (stdout) {
                return stdout.stream().anyMatch(l -> l.contains("devices add"))
                    && stdout.stream().anyMatch(l -> l.contains("no administrator yet"));
              }
            });
    assertThat(refusal(() -> client(port, "anon").connect()))
        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);

    devices("add", "esp32-lab", "--password", "lab-pass-1", "--strict-client-id");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              Mqtt5BlockingClient c = client(port, "esp32-lab");
              connect(c, "esp32-lab", "lab-pass-1");
              c.disconnect();
              return true;
            });
    assertThat(refusal(() -> connect(client(port, "esp32-lab"), "esp32-lab", "wrong")))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(refusal(() -> connect(client(port, "thief"), "esp32-lab", "lab-pass-1")))
        .as("strict client id")
        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(Files.readString(dir.resolve("stderr.txt")))
        .contains("wrong password for 'esp32-lab'")
        .contains("127.0.0.1");
  }

  @Test
  @DisplayName(
      "a rule added while a client is connected applies to its next PUBLISH; disabling its device"
          + " ends its connection with 'not authorized'")
  void rulesAndDisablingApplyToConnectedClients() throws Exception {
    devices("add", "sensor", "--password", "sensor-pw");
    int port = start();
    CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
    Mqtt5BlockingClient sensor =
        Mqtt5Client.builder()
            .identifier("sensor")
            .serverHost("127.0.0.1")
            .serverPort(port)
            .addDisconnectedListener(ctx -> disconnected.complete(ctx.getCause()))
            .buildBlocking();
    clients.add(sensor);
    connect(sensor, "sensor", "sensor-pw");

    Mqtt5PublishResult first =
        sensor.publishWith().topic("lab/secret").qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(first.getError()).isEmpty();

    devices(
        "rules",
        "add",
        "--global",
        "--action",
        "deny",
        "--operation",
        "publish",
        "--filter",
        "lab/secret",
        "--priority",
        "1");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try {
                sensor.publishWith().topic("lab/secret").qos(MqttQos.AT_LEAST_ONCE).send();
                return false; // the rule is not seen yet
              } catch (Mqtt5PubAckException e) {
                return e.getMqttMessage().getReasonCode() == Mqtt5PubAckReasonCode.NOT_AUTHORIZED;
              }
            });

    devices("disable", "sensor");
    Throwable cause = disconnected.get(10, TimeUnit.SECONDS);
    assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
    assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
        .isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED);
    assertThat(refusal(() -> connect(client(port, "sensor"), "sensor", "sensor-pw")))
        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  @DisplayName("--dev lets anonymous clients in without a registry")
  void devMode() throws Exception {
    int port = start("--dev");
    Mqtt5BlockingClient c = client(port, "anon");
    c.connect();
    assertThat(c.getState()).isEqualTo(MqttClientState.CONNECTED);
    assertThatThrownBy(() -> connect(client(port, "x"), "nobody", "pw"))
        .as("credentials are still checked when given")
        .isInstanceOf(Mqtt5ConnAckException.class);
  }
}
