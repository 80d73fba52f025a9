package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard start} as a real process: ready lines, exit codes, SIGTERM. */
class StartCommandProcessTest {
  @TempDir Path dir;

  /** The listeners other than plain MQTT off: their default ports may be taken on this machine. */
  private static final List<String> ONLY_MQTT =
      List.of(
          "--mqtts-port",
          "off",
          "--ws-port",
          "off",
          "--wss-port",
          "off",
          "--http-port",
          "off",
          "--https-port",
          "off");

  private Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(ChildJvm.command());
    cmd.addAll(List.of(args));
    if (args.length > 0 && args[0].equals("start") && !List.of(args).contains("--mqtts-port")) {
      cmd.addAll(ONLY_MQTT);
    }
    if (args.length > 0 && args[0].equals("start") && !List.of(args).contains("--bind")) {
      // 127.0.0.1 and anonymous clients: what these tests look at is not authentication
      // (AccessControlProcessTest's subject)
      cmd.add("--dev");
    }
    return new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  private static String readAll(java.io.InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void printsOneLinePerListenerServesAndStopsCleanlyOnSigterm() throws Exception {
    Process p = start("start", "--mqtt-port", "0", "--data-dir", dir.resolve("data").toString());
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      assertThat(ready).matches("mqtt://127\\.0\\.0\\.1:\\d+");
      int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        // CONNECT, MQTT 3.1.1, clean session, keep alive 60, client id "t"
        s.getOutputStream()
            .write(new byte[] {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 't'});
        byte[] connack = s.getInputStream().readNBytes(4);
        assertThat(connack).containsExactly(0x20, 2, 0, 0);
      }
      assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(stderr()).contains("stopped").doesNotContain("Exception");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void startsTheHttpServerBesideTheBrokerAndPrintsTheConsoleUrl() throws Exception {
    Process p =
        start(
            "start",
            "--mqtt-port",
            "0",
            "--mqtts-port",
            "off",
            "--ws-port",
            "off",
            "--wss-port",
            "off",
            "--http-port",
            "0",
            "--https-port",
            "off",
            "--data-dir",
            dir.resolve("data").toString());
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).matches("mqtt://127\\.0\\.0\\.1:\\d+");
      String console = out.readLine();
      assertThat(console)
          .matches(
              "console and REST API: http://127\\.0\\.0\\.1:\\d+/ \\(http://127\\.0\\.0\\.1:\\d+/api/v1\\)");
      String base = console.substring(console.indexOf("http://"), console.indexOf(' ', 22) - 1);
      // the first start has no administrator: how to add one
      assertThat(out.readLine()).contains("switchboard admins add");
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (String path : List.of("health/live", "health/ready")) {
        java.net.http.HttpResponse<String> r =
            http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/" + path))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.body()).contains("up");
      }
      p.destroy();
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aTakenPortIsOneLineAndExitCodeTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Process p =
          start(
              "start",
              "--mqtt-port",
              String.valueOf(taken.getLocalPort()),
              "--data-dir",
              dir.toString());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String err = stderr();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(err.strip().lines()).hasSize(1);
      assertThat(err).contains("127.0.0.1:" + taken.getLocalPort()).doesNotContain("\tat ");
    }
  }

  @Test
  void aDamagedStoreIsRefusedNamingTheFileAndTheRepairCommandAndLeftAsItWas() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Path db = data.resolve("switchboard.db");
    byte[] garbage = new byte[8192];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(db, garbage);

    Process p = start("start", "--mqtt-port", "0", "--data-dir", data.toString());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = stderr();
    assertThat(p.exitValue()).isEqualTo(2);
    String line = err.lines().filter(l -> l.startsWith("switchboard: ")).findFirst().orElseThrow();
    assertThat(line)
        .contains(db.toString())
        .contains("switchboard store check")
        .contains("switchboard store repair");
    assertThat(err).doesNotContain("\tat ");
    assertThat(readAll(p.getInputStream())).as("no listener line").doesNotContain("mqtt://");
    assertThat(Files.readAllBytes(db)).as("the damaged file, untouched").isEqualTo(garbage);
  }

  @Test
  void aBadValueIsOneLineAndExitCodeTwo() throws Exception {
    Process p = start("start", "--mqtt-port", "banana", "--data-dir", dir.toString());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = stderr();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err.strip().lines()).hasSize(1);
    assertThat(err).contains("listeners.mqtt.port").doesNotContain("\tat ");
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExitCodeTwo() throws Exception {
    Process p = start("start", "--no-such-flag");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr()).contains("--no-such-flag");
  }

  @Test
  void versionPrintsTheProjectVersion() throws Exception {
    Process p = start("--version");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(readAll(p.getInputStream())).startsWith("switchboard ").doesNotContain("unknown");
  }
}
