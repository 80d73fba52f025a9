package dev.switchboard.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of a command that runs the server ({@code start}, {@code lab}): the configuration
 * file, the listeners' ports (MQTT's and HTTP's) and the data directory. The address to bind is the
 * command's own, as its default differs.
 */
final class ServerOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file.")
  Path configFile;

  @Option(
      names = "--mqtt-port",
      paramLabel = "N|off",
      description = "MQTT TCP port, or off (default 1883).")
  String mqttPort;

  @Option(
      names = "--mqtts-port",
      paramLabel = "N|off",
      description = "MQTT over TLS port, or off (default 8883).")
  String mqttsPort;

  @Option(
      names = "--ws-port",
      paramLabel = "N|off",
      description = "MQTT over WebSocket port, or off (default 8083).")
  String wsPort;

  @Option(
      names = "--wss-port",
      paramLabel = "N|off",
      description = "MQTT over secure WebSocket port, or off (default 8084).")
  String wssPort;

  @Option(
      names = "--http-port",
      paramLabel = "N|off",
      description = "HTTP port of the console and the REST API, or off (default 8080).")
  String httpPort;

  @Option(
      names = "--https-port",
      paramLabel = "N|off",
      description = "HTTPS port of the console and the REST API, or off (default 8443).")
  String httpsPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the hub keeps its state (default ./data).")
  Path dataDir;

  /** The configuration settings these options set, as {@link SwitchboardConfig#load} takes them. */
  Map<String, Object> overrides() {
    Map<String, Object> o = new HashMap<>();
    putIfSet(o, "listeners.mqtt.port", mqttPort);
    putIfSet(o, "listeners.mqtts.port", mqttsPort);
    putIfSet(o, "listeners.ws.port", wsPort);
    putIfSet(o, "listeners.wss.port", wssPort);
    putIfSet(o, "http.port", httpPort);
    putIfSet(o, "http.https-port", httpsPort);
    putIfSet(o, "data-dir", dataDir == null ? null : dataDir.toString());
    return o;
  }

  private static void putIfSet(Map<String, Object> o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
