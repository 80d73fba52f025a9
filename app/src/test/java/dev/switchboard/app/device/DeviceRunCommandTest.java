package dev.switchboard.app.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code switchboard device run}: one device, a fleet, a firmware from a jar, bad usage. */
class DeviceRunCommandTest {
  @TempDir Path dir;
  TestBroker broker;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() {
    broker = TestBroker.start();
  }

  @AfterEach
  void tearDown() {
    broker.close();
  }

  /** Runs the command on another thread until {@code until} shows in its output, then stops it. */
  private int run(String until, String... args) throws Exception {
    DeviceRunCommand command = new DeviceRunCommand();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    AtomicInteger code = new AtomicInteger(-1);
    Thread t = Thread.ofVirtual().start(() -> code.set(cl.execute(args)));
    if (until != null) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> out.toString().contains(until) || !t.isAlive());
      command.stop();
    }
    t.join(Duration.ofSeconds(60));
    return code.get();
  }

  private String broker() {
    return "mqtt://127.0.0.1:" + broker.port();
  }

  @Test
  @DisplayName("one device: the handout's example in the foreground, its log on standard output")
  void oneDevice() throws Exception {
    int code =
        run(
            "MQTT_EVENT_UNSUBSCRIBED",
            "mqtt_tcp",
            "--broker",
            broker(),
            "--id",
            "device_x",
            "--nvs-dir",
            dir.toString());
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("device_x I (", "example_connect: Connecting to switchboard...")
        .contains("mqtt_example: MQTT_EVENT_CONNECTED")
        .contains("mqtt_example: MQTT_EVENT_UNSUBSCRIBED");
    assertThat(Files.exists(dir.resolve("device_x/nvs.nvs"))).isTrue();
  }

  @Test
  @DisplayName("a fleet with credentials: a summary line with every device connected")
  void fleet() throws Exception {
    Path credentials = dir.resolve("credentials");
    Files.write(credentials, List.of("# name:password", "s_1:a", "s_2:b", "s_3:c"));
    int code =
        run(
            "connected 3",
            "sensor",
            "--count",
            "3",
            "--id",
            "s_%d",
            "--broker",
            broker(),
            "--credentials",
            credentials.toString(),
            "--nvs-dir",
            dir.toString());
    assertThat(code).isZero();
    assertThat(out.toString()).contains("devices 3 · running 3 · connected 3 · ");
  }

  @Test
  @DisplayName("a firmware class from a jar the user built")
  void firmwareFromAJar() throws Exception {
    Path src = dir.resolve("src/lab/Hello.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        """
        package lab;
        public final class Hello implements dev.switchboard.device.Firmware {
          public void app_main(dev.switchboard.device.Esp32 esp) {
            esp.ESP_LOGI("hello", "Hello from %s, boot %d", esp.deviceName(), 1);
          }
        }
        """);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    int compiled =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-cp",
                System.getProperty("java.class.path"),
                "-d",
                classes.toString(),
                src.toString());
    assertThat(compiled).isZero();
    Path jar = dir.resolve("hello.jar");
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
      j.putNextEntry(new JarEntry("lab/Hello.class"));
      j.write(Files.readAllBytes(classes.resolve("lab/Hello.class")));
      j.closeEntry();
    }
    int code =
        run(
            "Returned from app_main()",
            "lab.Hello",
            "--jar",
            jar.toString(),
            "--id",
            "device_j",
            "--nvs-dir",
            dir.toString());
    assertThat(code).isZero();
    assertThat(out.toString()).contains("device_j I (", "hello: Hello from device_j, boot 1");
  }

  @Test
  @DisplayName(
      "bad usage: an unknown firmware, a bad fault spec, a --count of 0: exit 2 with one line")
  void badUsage() throws Exception {
    assertThat(run(null, "nope", "--nvs-dir", dir.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("switchboard: firmware 'nope': not one of [actuator, mqtt_tcp, sensor]");
    assertThat(run(null, "sensor", "--faults", "link-down=5s", "--nvs-dir", dir.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("fault 'link-down=5s'");
    assertThat(run(null, "sensor", "--count", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--count must be 1 or more");
  }
}
