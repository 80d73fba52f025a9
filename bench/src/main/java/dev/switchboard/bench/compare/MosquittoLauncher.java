package dev.switchboard.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Debian's mosquitto with settings equivalent to Switchboard's defaults: loopback listener,
 * anonymous, no persistence, no $SYS, the same in-flight and queue bounds, TCP_NODELAY.
 */
public final class MosquittoLauncher implements BrokerLauncher {
  private final Path binary;

  public MosquittoLauncher(Path binary) {
    this.binary = binary;
  }

  /** Finds mosquitto on the PATH or where Debian puts it. */
  public static Optional<Path> find() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, "mosquitto");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    for (String p : List.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")) {
      if (Files.isExecutable(Path.of(p))) {
        return Optional.of(Path.of(p));
      }
    }
    return Optional.empty();
  }

  @Override
  public String name() {
    return "mosquitto";
  }

  @Override
  public BrokerProcess start(int port, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("mosquitto.conf");
    Path log = dir.resolve("mosquitto.log");
    String user = System.getProperty("user.name");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "# Written by switchboard bench compare.",
            // Run as the invoking user (as root, mosquitto would otherwise switch to 'mosquitto').
            "user " + user,
            "listener " + port + " 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "sys_interval 0",
            "set_tcp_nodelay true",
            "max_inflight_messages " + MAX_INFLIGHT,
            "max_queued_messages " + MAX_QUEUED_MESSAGES,
            "max_queued_bytes " + MAX_QUEUED_BYTES,
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            ""));
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-c", conf.toString());
    return BrokerProcess.start(name(), pb, port, log, 30);
  }
}
