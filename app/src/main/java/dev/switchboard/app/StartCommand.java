package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.DurableStore;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
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
    Broker broker;
    DurableStore store = null;
    AccessControl access = null;
    AuthSettings auth;
    try {
      SwitchboardConfig config = SwitchboardConfig.load(configFile, System.getenv(), overrides());
      prepareDataDir(config.dataDir());
      BrokerConfig brokerConfig = config.brokerConfig();
      auth = config.authSettings();
      if (config.durability() != Durability.NONE) {
        store = Stores.open(config.storeConfig());
      }
      // The registry ends connections a change no longer allows, through the broker it is built
      // before: the broker takes the registry's authenticator.
      AtomicReference<Broker> running = new AtomicReference<>();
      ClientControl clients =
          (which, reasonCode, why) -> {
            Broker b = running.get();
            if (b != null) {
              b.disconnect(which, reasonCode, why);
            }
          };
      access = AccessControl.open(auth, config.storeConfig(), clients);
      broker =
          new Broker(
              brokerConfig,
              new InMemoryRetainedStore(),
              access.authenticator(),
              access.authorizer(),
              config.persistence(store));
      running.set(broker);
      broker.start();
    } catch (ConfigError | ListenerException | StoreException e) {
      // A damaged store is named with the commands that check and repair it (StoreException's
      // message); the broker never starts empty in its place.
      err.println("switchboard: " + e.getMessage());
      err.flush();
      if (access != null) {
        access.close();
      }
      if (store != null) {
        store.close();
      }
      return Main.EXIT_CONFIG;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    printListeners(broker, out);
    if (!auth.allowAnonymous() && access.directory().deviceCount() == 0) {
      out.println(
          "the registry has no devices yet: add one with './switchboard devices add ID --generate'"
              + " (it may run while the hub runs), or start with --dev to let anonymous clients in"
              + " on 127.0.0.1");
    }
    if (access.hasNoAdministrator()) {
      out.println(AdminsCommand.HOW_TO_ADD.replace("switchboard admins", "./switchboard admins"));
    }
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping");
    broker.close();
    access.close();
    if (store != null) {
      store.close();
    }
    log.info("stopped");
    return 0;
  }

  /**
   * One line per listener (its URL), then the TLS certificate's fingerprint, which a client that
   * pins the certificate (or a person accepting a self-signed one) compares.
   */
  private static void printListeners(Broker broker, PrintWriter out) {
    for (BoundListener l : broker.boundListeners()) {
      out.println(l.url());
    }
    if (broker.boundListeners().isEmpty()) {
      out.println("no listeners enabled");
    }
    broker
        .tlsCertificate()
        .ifPresent(
            c ->
                out.println(
                    "tls: "
                        + (c.selfSigned() ? "self-signed certificate " : "certificate ")
                        + c.file()
                        + ", SHA-256 fingerprint "
                        + c.sha256Fingerprint()));
    out.flush();
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

  private static void prepareDataDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigError("data directory " + dir + " cannot be created: " + e.getMessage());
    }
    if (!Files.isWritable(dir)) {
      throw new ConfigError("data directory " + dir + " is not writable");
    }
  }
}
