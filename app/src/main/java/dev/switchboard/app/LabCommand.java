package dev.switchboard.app;

import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.device.Device;
import dev.switchboard.device.DeviceConfig;
import dev.switchboard.device.DeviceLog;
import dev.switchboard.device.DeviceRuntime;
import dev.switchboard.device.Firmware;
import dev.switchboard.device.Sdkconfig;
import dev.switchboard.device.firmware.Actuator;
import dev.switchboard.device.firmware.MqttTcp;
import dev.switchboard.device.firmware.Sensor;
import dev.switchboard.device.net.AccessPoint;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.RegistryException;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code switchboard lab}: the lab handout's system on one machine. It starts the hub (127.0.0.1,
 * no anonymous clients), makes sure the handout's accounts exist ({@link LabAccounts}), runs four
 * simulated ESP32s as {@code device_1}..{@code device_4} ({@code mqtt_tcp}, two {@code sensor}s, an
 * {@code actuator}), and prints the handout's device table and the MQTT Dash settings. Ctrl-C stops
 * all of it.
 */
@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    description =
        "Run the lab handout on this machine: the hub, its accounts (device_1..4, app_1..4) and"
            + " four simulated ESP32s running the example firmwares. Ctrl-C stops all of it.")
public final class LabCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default 127.0.0.1; 0.0.0.0 lets a phone on this network in).")
  String bind;

  private record LabDevice(String name, String firmware, Supplier<Firmware> make, String topics) {}

  private static final List<LabDevice> DEVICES =
      List.of(
          new LabDevice("device_1", "mqtt_tcp", MqttTcp::new, "/topic/qos1, /topic/qos0"),
          new LabDevice("device_2", "sensor", Sensor::new, "device_2/telemetry, device_2/status"),
          new LabDevice("device_3", "sensor", Sensor::new, "device_3/telemetry, device_3/status"),
          new LabDevice(
              "device_4",
              "actuator",
              Actuator::new,
              "device_4/led/set (on|off|toggle), device_4/led"));

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HubServer server;
    Map<String, String> passwords;
    SwitchboardConfig config;
    try {
      config = SwitchboardConfig.load(serverOptions.configFile, System.getenv(), overrides());
      Files.createDirectories(config.dataDir());
      try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
        passwords =
            LabAccounts.ensure(
                registry, new PasswordHasher(config.passwordHashing()), config.dataDir());
      }
      server = HubServer.start(config);
    } catch (ConfigError | ListenerException | StoreException | RegistryException e) {
      return Main.fail(err, e.getMessage(), Main.EXIT_CONFIG);
    } catch (IOException e) {
      return Main.fail(err, "data directory: " + e.getMessage(), Main.EXIT_CONFIG);
    }
    BoundListener mqtt = listener(server, "mqtt");
    if (mqtt == null) {
      server.close();
      return Main.fail(err, "the lab needs the MQTT listener (--mqtt-port)", Main.EXIT_CONFIG);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    server.printListeners(out);
    Path deviceLog = config.dataDir().resolve("lab-devices.log");
    List<Device> devices = new ArrayList<>();
    try (DeviceRuntime runtime =
        DeviceRuntime.create(
            new AccessPoint(Sdkconfig.DEFAULT_SSID, Sdkconfig.DEFAULT_WIFI_PASSWORD),
            fileLog(deviceLog, err))) {
      for (LabDevice d : DEVICES) {
        Map<String, String> sdkconfig = Sdkconfig.defaults();
        sdkconfig.put(
            "CONFIG_BROKER_URL",
            "mqtt://" + d.name + ":" + passwords.get(d.name) + "@127.0.0.1:" + mqtt.port());
        sdkconfig.put("CONFIG_MQTT_CLIENT_ID", d.name);
        Device device =
            new Device(
                DeviceConfig.of(d.name, sdkconfig, config.dataDir().resolve("lab-nvs")),
                d.make,
                runtime);
        devices.add(device);
        device.start();
      }
      new LabBanner(out)
          .print(
              passwords,
              mqtt,
              listener(server, "mqtts"),
              bind,
              deviceLog,
              DEVICES.stream().map(d -> new LabBanner.Row(d.name, d.firmware, d.topics)).toList());
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.println("stopping the devices and the hub");
      out.flush();
      devices.forEach(Device::stop);
    }
    server.close();
    out.println("stopped");
    out.flush();
    return 0;
  }

  private static BoundListener listener(HubServer server, String name) {
    for (BoundListener l : server.broker.boundListeners()) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  /** Every device line to the file; errors also on standard error. */
  private static DeviceLog fileLog(Path file, PrintWriter err) {
    return (device, level, line) -> {
      try {
        Files.writeString(
            file,
            line + System.lineSeparator(),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        // the log file is a convenience; the devices go on
      }
      if (level == 'E') {
        synchronized (err) {
          err.println(line);
          err.flush();
        }
      }
    };
  }

  private Map<String, Object> overrides() {
    Map<String, Object> o = serverOptions.overrides();
    o.put("listeners.bind", bind);
    o.put("auth.allow-anonymous", false);
    return o;
  }
}
