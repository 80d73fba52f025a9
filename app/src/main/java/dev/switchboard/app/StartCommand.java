package dev.switchboard.app;

import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.persist.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code switchboard start}: runs the hub until SIGTERM or SIGINT. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Run the hub. Prints one line per listener when it is ready.")
public final class StartCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file.")
  Path configFile;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default 0.0.0.0, all interfaces).")
  String bind;

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
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the hub keeps its state (default ./data).")
  Path dataDir;

  @Option(
      names = "--dev",
      description =
          "Development mode: listen on 127.0.0.1 only and let anonymous clients in (no registry"
              + " needed).")
  boolean dev;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HubServer server;
    try {
      server = HubServer.start(SwitchboardConfig.load(configFile, System.getenv(), overrides()));
    } catch (ConfigError | ListenerException | StoreException e) {
      // A damaged store is named with the commands that check and repair it (StoreException's
      // message); the broker never starts empty in its place.
      err.println("switchboard: " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    server.printListeners(out);
    if (!server.auth.allowAnonymous() && server.access.directory().deviceCount() == 0) {
      out.println(
          "the registry has no devices yet: add one with './switchboard devices add ID --generate'"
              + " (it may run while the hub runs), or start with --dev to let anonymous clients in"
              + " on 127.0.0.1");
    }
    if (server.access.hasNoAdministrator()) {
      out.println(AdminsCommand.HOW_TO_ADD.replace("switchboard admins", "./switchboard admins"));
    }
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping");
    server.close();
    log.info("stopped");
    return 0;
  }

  private Map<String, Object> overrides() {
    Map<String, Object> o = new HashMap<>();
    if (bind != null) {
      o.put("listeners.bind", bind);
    }
    if (mqttPort != null) {
      o.put("listeners.mqtt.port", mqttPort);
    }
    if (mqttsPort != null) {
      o.put("listeners.mqtts.port", mqttsPort);
    }
    if (wsPort != null) {
      o.put("listeners.ws.port", wsPort);
    }
    if (wssPort != null) {
      o.put("listeners.wss.port", wssPort);
    }
    if (dataDir != null) {
      o.put("data-dir", dataDir.toString());
    }
    if (dev) {
      o.put("listeners.bind", "127.0.0.1");
      o.put("auth.allow-anonymous", true);
    }
    return o;
  }
}
