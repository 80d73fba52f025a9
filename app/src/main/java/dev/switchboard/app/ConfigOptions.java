package dev.switchboard.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that say which configuration (and so which store and registry) a tool works on, read
 * the way {@code start} reads them: {@code --config FILE} and {@code --data-dir DIR}.
 */
final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file.")
  Path configFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the hub keeps its state (default ./data).")
  Path dataDir;

  SwitchboardConfig load() {
    Map<String, Object> overrides = new HashMap<>();
    if (dataDir != null) {
      overrides.put("data-dir", dataDir.toString());
    }
    return SwitchboardConfig.load(configFile, System.getenv(), overrides);
  }
}
