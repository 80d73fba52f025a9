package dev.switchboard.app.crash;

import dev.switchboard.app.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code switchboard start} in a child process, to be killed with SIGKILL and started again. */
final class BrokerChild implements AutoCloseable {
  private final Path dir;
  private final Path config;
  private Process process;
  private int port;
  private int starts;

  /**
   * @param config the HOCON file the broker runs with (store, durability)
   */
  BrokerChild(Path dir, Path config) {
    this.dir = dir;
    this.config = config;
  }

  /** Starts on {@code wantedPort} (0 for any) and returns the port once it listens. */
  int start(int wantedPort) throws IOException {
    List<String> cmd = new ArrayList<>();
    // starts faster; speed is not what these tests measure
    cmd.addAll(ChildJvm.command("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(
        List.of(
            "start",
            "--dev",
            "--config",
            config.toString(),
            "--mqtt-port",
            String.valueOf(wantedPort),
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
    starts++;
    process =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr-" + starts + ".txt").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // The ready line; log lines may come before it when a test logback configuration is on the
    // class path
    String ready;
    do {
      ready = out.readLine();
    } while (ready != null && !ready.startsWith("mqtt://"));
    if (ready == null) {
      process.destroyForcibly();
      throw new IOException(
          "broker did not start: "
              + java.nio.file.Files.readString(dir.resolve("stderr-" + starts + ".txt")));
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // keep the pipe empty so that the broker never blocks on its output
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "broker-stdout");
    drain.setDaemon(true);
    drain.start();
    port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
    return port;
  }

  /** What the current (or last) broker process wrote to stderr. */
  String lastStderr() throws IOException {
    return java.nio.file.Files.readString(dir.resolve("stderr-" + starts + ".txt"));
  }

  int port() {
    return port;
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("broker survived SIGKILL");
    }
  }

  /** SIGTERM, and the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
