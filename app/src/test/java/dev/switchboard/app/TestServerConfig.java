package dev.switchboard.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration of a server that a test starts in its own JVM ({@link HubServer#start}): its
 * data under {@code dir/data}, plain MQTT on a free port of 127.0.0.1 and no other listener, no
 * HTTP, the registry polled every 100 ms, no {@code $SYS}, and a cheap Argon2id so that logins do
 * not slow the test; then the test's own settings, which override these (HOCON merges objects, the
 * later value wins).
 */
final class TestServerConfig {
  private static final String COMMON =
      """
      data-dir = "%s"
      listeners { bind = "127.0.0.1", mqtt.port = 0, mqtts.port = off, ws.port = off,
        wss.port = off }
      http { port = off, https-port = off }
      registry.poll-interval = 100ms
      sys.interval = 0
      auth.passwords.argon2id { memory-kib = 256, iterations = 1, parallelism = 1 }
      """;

  private TestServerConfig() {}

  /**
   * Writes {@code dir/<name>.conf} with the common settings and then {@code settings} (lines inside
   * {@code switchboard { }}), makes the data directory, and loads it.
   */
  static SwitchboardConfig write(Path dir, String name, String settings) throws IOException {
    Path conf = dir.resolve(name + ".conf");
    String data = dir.resolve("data").toString().replace("\\", "/");
    Files.writeString(
        conf, "switchboard {\n" + COMMON.formatted(data) + settings.stripIndent() + "}\n");
    Files.createDirectories(dir.resolve("data"));
    return SwitchboardConfig.load(conf, Map.of(), Map.of());
  }
}
