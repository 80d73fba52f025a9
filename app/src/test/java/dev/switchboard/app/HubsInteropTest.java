package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.store.registry.RegistryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real clients against the hub as {@code switchboard start} builds it (the registry, its
 * authenticator and a listener dedicated to hub {@code team3}): Debian's mosquitto_pub and
 * mosquitto_sub, and python3-paho-mqtt run by /usr/bin/python3, logging in as {@code name@hub} or
 * on the hub's own listener. Hubs {@code team3} and {@code team4} both have {@code device_1} and
 * {@code app_1}. Skipped, saying why, when a client is not installed.
 */
@DisplayName("Interop: hubs with mosquitto_pub/sub and python3-paho-mqtt")
class HubsInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

  /** Subscribes, says "ready", prints the first message's topic and payload, exits. */
  private static final String PAHO_SUB =
      """
      import sys
      import paho.mqtt.client as mqtt
      port, user, password, topic, version = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
      proto = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
      kw = {"protocol": proto, "client_id": "py-" + user.replace("@", "-")}
      if hasattr(mqtt, "CallbackAPIVersion"):
          kw["callback_api_version"] = mqtt.CallbackAPIVersion.VERSION1
      c = mqtt.Client(**kw)
      c.username_pw_set(user, password)
      def on_connect(client, userdata, flags, rc, *rest):
          if getattr(rc, "value", rc) != 0:
              print("refused", getattr(rc, "value", rc), flush=True)
              sys.exit(3)
          client.subscribe(topic, 1)
      def on_subscribe(client, *rest):
          print("ready", flush=True)
      def on_message(client, userdata, m):
          print(m.topic + " " + m.payload.decode(), flush=True)
          client.disconnect()
      c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
      c.connect("127.0.0.1", int(port), 30)
      c.loop_forever()
      """;

  @TempDir static Path dir;
  private static Broker broker;
  private static AccessControl access;
  private static int mainPort;
  private static int team3Port;

  @BeforeAll
  static void start() throws IOException {
    SwitchboardConfig config =
        TestServerConfig.write(
            dir,
            "hubs",
            """
            hubs.listeners { team3 = 0 }
            store.durability = none
            """);
    PasswordHasher hasher = config.authSettings().hasher();
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      for (String hub : List.of("team3", "team4")) {
        registry.addHub(Hub.create(hub, 0));
        String hash = hasher.hash(("pw-" + hub).toCharArray());
        registry.add(Device.create(hub, "device_1", "device_1", hash, 0));
        registry.add(Device.create(hub, "app_1", "app_1", hash, 0));
      }
    }
    BrokerControl clients = new BrokerControl();
    access = AccessControl.open(config.authSettings(), config.storeConfig(), clients);
    broker =
        new Broker(
            config.brokerConfig(),
            new InMemoryRetainedStore(),
            access.authenticator(),
            access.authorizer());
    clients.bind(broker);
    broker.start();
    for (BoundListener l : broker.boundListeners()) {
      if (l.name().equals("mqtt")) {
        mainPort = l.address().getPort();
      } else if (l.name().equals(HubSettings.listenerName("team3"))) {
        team3Port = l.address().getPort();
      }
    }
    assertThat(team3Port).as("the hub's listener").isPositive();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    if (access != null) {
      access.close();
    }
  }

  private static void needs(String command) {
    boolean present =
        Files.isExecutable(Path.of("/usr/bin", command))
            || Files.isExecutable(Path.of("/usr/local/bin", command));
    if (!present) {
      System.out.println("SKIPPED: " + command + " is not installed (mosquitto-clients)");
      Assumptions.abort(command + " is not installed");
    }
  }

  private static void needsPaho() throws Exception {
    if (!Files.isExecutable(SYSTEM_PYTHON)
        || new ProcessBuilder(SYSTEM_PYTHON.toString(), "-c", "import paho.mqtt.client")
                .start()
                .waitFor()
            != 0) {
      System.out.println("SKIPPED: /usr/bin/python3 with paho-mqtt (python3-paho-mqtt) is missing");
      Assumptions.abort("python3-paho-mqtt is missing");
    }
  }

  /**
   * A process whose standard output is collected line by line as it comes; {@link #exit} returns
   * once the last line is in {@code lines}.
   */
  private record Running(Process process, List<String> lines, Thread reader)
      implements AutoCloseable {
    static Running start(List<String> command) throws IOException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
      return new Running(p, lines, reader);
    }

    int exit() throws InterruptedException {
      assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("exited; output %s", lines)
          .isTrue();
      reader.join(TIMEOUT.toMillis()); // the output's last lines may still be on their way
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static List<String> mosquitto(
      String tool, int port, String version, String user, String password) {
    return new ArrayList<>(
        List.of(
            tool,
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-V",
            version,
            "-u",
            user,
            "-P",
            password));
  }

  /** mosquitto_sub for one message on {@code topic}, subscribed before this returns. */
  private static Running subscriber(int port, String version, String user, String hub, String id)
      throws Exception {
    List<String> cmd = mosquitto("mosquitto_sub", port, version, user, "pw-" + hub);
    cmd.addAll(List.of("-i", id, "-t", "lab/#", "-q", "1", "-C", "1", "-W", "15", "-v"));
    Running sub = Running.start(cmd);
    Awaitility.await().atMost(TIMEOUT).until(() -> subscribed(hub, id) || !sub.process().isAlive());
    return sub;
  }

  private static boolean subscribed(String hub, String clientId) {
    var session = broker.sessions().get(hub, clientId);
    return session != null && session.isOnline() && !session.subscriptions().isEmpty();
  }

  private static int publish(int port, String version, String user, String password, String text)
      throws Exception {
    List<String> cmd = mosquitto("mosquitto_pub", port, version, user, password);
    cmd.addAll(List.of("-t", "lab/led", "-q", "1", "-m", text));
    try (Running pub = Running.start(cmd)) {
      return pub.exit();
    }
  }

  @ParameterizedTest(name = "-V {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName(
      "name@hub: team4's message reaches team4's '#'-style subscriber and never team3's; a hub's"
          + " dedicated listener needs no @hub; a name in two hubs without one is refused")
  void mosquittoClients(String version) throws Exception {
    needs("mosquitto_sub");
    needs("mosquitto_pub");
    try (Running in3 = subscriber(mainPort, version, "device_1@team3", "team3", "m3-" + version);
        Running in4 = subscriber(mainPort, version, "device_1@team4", "team4", "m4-" + version)) {
      assertThat(publish(mainPort, version, "app_1@team4", "pw-team4", "for four")).isZero();
      // team3's listener: app_1 is team3's app_1 there
      assertThat(publish(team3Port, version, "app_1", "pw-team3", "for three")).isZero();

      assertThat(in4.exit()).isZero();
      assertThat(in4.lines()).containsExactly("lab/led for four");
      assertThat(in3.exit()).isZero();
      assertThat(in3.lines()).as("team4's message never came").containsExactly("lab/led for three");
    }
    // app_1 is in both hubs: on the shared listener without @hub it is ambiguous
    assertThat(publish(mainPort, version, "app_1", "pw-team4", "lost")).isNotZero();
    assertThat(
            access
                .authenticator()
                .refusals(dev.switchboard.hub.auth.HubAuthenticator.Refusal.HUB_AMBIGUOUS))
        .isPositive();
  }

  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(strings = {"311", "5"})
  @DisplayName(
      "python3-paho-mqtt as device_1@team4 on the shared listener and device_1 on team3's own"
          + " listener: each gets its own hub's message only")
  void pythonPaho(String version) throws Exception {
    needsPaho();
    needs("mosquitto_pub");
    Path script = dir.resolve("paho_sub.py");
    Files.writeString(script, PAHO_SUB);
    try (Running in4 =
            Running.start(
                List.of(
                    SYSTEM_PYTHON.toString(),
                    script.toString(),
                    String.valueOf(mainPort),
                    "device_1@team4",
                    "pw-team4",
                    "lab/#",
                    version));
        Running in3 =
            Running.start(
                List.of(
                    SYSTEM_PYTHON.toString(),
                    script.toString(),
                    String.valueOf(team3Port),
                    "device_1",
                    "pw-team3",
                    "lab/#",
                    version))) {
      Awaitility.await()
          .atMost(TIMEOUT)
          .until(() -> in4.lines().contains("ready") && in3.lines().contains("ready"));

      assertThat(publish(mainPort, "5", "app_1@team3", "pw-team3", "three")).isZero();
      assertThat(publish(mainPort, "311", "app_1@team4", "pw-team4", "four")).isZero();

      assertThat(in3.exit()).isZero();
      assertThat(in3.lines()).containsExactly("ready", "lab/led three");
      assertThat(in4.exit()).isZero();
      assertThat(in4.lines()).containsExactly("ready", "lab/led four");
    }
  }
}
