package dev.switchboard.app.device;

import dev.switchboard.client.MqttClientNetwork;
import dev.switchboard.device.DeviceCounters;
import dev.switchboard.device.DeviceLog;
import dev.switchboard.device.DeviceRuntime;
import dev.switchboard.device.Firmware;
import dev.switchboard.device.Sdkconfig;
import dev.switchboard.device.TaskWatchdog;
import dev.switchboard.device.fleet.FaultPlan;
import dev.switchboard.device.fleet.Fleet;
import dev.switchboard.device.net.AccessPoint;
import dev.switchboard.device.net.WifiAir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard device run FIRMWARE}: one device in the foreground with its log, or a fleet
 * with a live summary line. Ctrl-C stops them (their sockets closed, NVS kept).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run simulated ESP32 devices with a firmware: one in the foreground with its log, or",
      "a fleet (--count) with a live summary line. Ctrl-C stops them; their NVS is kept."
    })
public final class DeviceRunCommand implements Callable<Integer> {
  /** Exit code for bad usage or a bad file, as {@code Main.EXIT_CONFIG}. */
  static final int EXIT_CONFIG = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "FIRMWARE",
      description = "mqtt_tcp (the handout's example), sensor, actuator, or a class name.")
  String firmware;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "1",
      description = "Devices to run (default 1).")
  int count;

  @Option(
      names = "--broker",
      paramLabel = "URI",
      defaultValue = "mqtt://127.0.0.1:1883",
      description = "The broker (CONFIG_BROKER_URL); default ${DEFAULT-VALUE}.")
  String broker;

  @Option(
      names = "--id",
      paramLabel = "PATTERN",
      defaultValue = "device_%d",
      description = "Device names and client ids, %%d numbered from 1; default ${DEFAULT-VALUE}.")
  String idPattern;

  @Option(
      names = "--credentials",
      paramLabel = "FILE",
      description = "name:password lines; each device connects with its own.")
  Path credentials;

  @Option(
      names = "--nvs-dir",
      paramLabel = "DIR",
      defaultValue = "data/devices",
      description =
          "Where each device keeps its NVS (DIR/NAME/nvs.nvs) and may have its own sdkconfig; default ${DEFAULT-VALUE}.")
  Path nvsDir;

  @Option(
      names = "--faults",
      paramLabel = "SPEC",
      description =
          "Faults for every device, e.g. link-down=5s@30s,broker-unreachable=10s@1m/2m,lost-ip=3s@90s.")
  String faults;

  @Option(names = "--jar", paramLabel = "FILE", description = "A jar holding the FIRMWARE class.")
  Path jar;

  @Option(
      names = "--sdkconfig",
      paramLabel = "FILE",
      description =
          "CONFIG_NAME=value settings for every device (menuconfig's), e.g. CONFIG_SENSOR_PERIOD_S=2.")
  Path sdkconfig;

  @Option(
      names = "--wifi",
      paramLabel = "SSID:PASSWORD",
      defaultValue = Sdkconfig.DEFAULT_SSID + ":" + Sdkconfig.DEFAULT_WIFI_PASSWORD,
      description =
          "The simulated access point; default ${DEFAULT-VALUE}, which the devices join unless their sdkconfig says otherwise.")
  String wifi;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "200",
      description = "Devices started per second; default ${DEFAULT-VALUE}.")
  int rate;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Stop after this many seconds (default: until Ctrl-C).")
  Long durationSeconds;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicReference<Fleet> running = new AtomicReference<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Fleet.Spec fleetSpec;
    AccessPoint ap;
    try {
      if (count < 1) {
        throw new IllegalArgumentException("--count must be 1 or more");
      }
      int colon = wifi.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--wifi: expected SSID:PASSWORD");
      }
      ap = new AccessPoint(wifi.substring(0, colon), wifi.substring(colon + 1));
      Supplier<Firmware> fw = FirmwareLoader.load(firmware, jar);
      Map<String, String> settings = Sdkconfig.defaults();
      settings.put("CONFIG_EXAMPLE_WIFI_SSID", ap.ssid());
      settings.put("CONFIG_EXAMPLE_WIFI_PASSWORD", ap.password());
      if (sdkconfig != null) {
        settings.putAll(Sdkconfig.read(sdkconfig));
      }
      fleetSpec =
          new Fleet.Spec(
              fw,
              count,
              broker,
              idPattern,
              credentials == null ? Map.of() : Fleet.readCredentials(credentials),
              nvsDir,
              settings,
              FaultPlan.parse(faults),
              rate);
    } catch (IllegalArgumentException | IOException e) {
      err.println("switchboard: " + e.getMessage());
      err.flush();
      return EXIT_CONFIG;
    }
    boolean single = count == 1;
    DeviceLog log = single ? lines(out, false) : lines(err, true);
    if (!single) {
      quietClients();
    }
    // Ctrl-C: the hook asks the run to end and holds the JVM until the devices are stopped
    Thread hook =
        new Thread(
            () -> {
              stop();
              try {
                closed.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "device-run-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (DeviceRuntime runtime =
            new DeviceRuntime(
                new WifiAir(List.of(ap), WifiAir.Timing.CHIP),
                new TaskWatchdog(TaskWatchdog.DEFAULT_TIMEOUT),
                MqttClientNetwork.shared(),
                log,
                new DeviceCounters());
        Fleet fleet = new Fleet(fleetSpec, runtime)) {
      running.set(fleet);
      if (stopped.getCount() > 0) {
        fleet.start();
      }
      waitWithSummary(fleet, single, out);
      if (!single) {
        out.println();
        out.println(fleet.summary().line());
        out.flush();
      }
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running
      }
    }
    return 0;
  }

  /**
   * A fleet's clients say at INFO level each connection they lose and make: thousands of lines that
   * the summary line counts instead.
   */
  private static void quietClients() {
    if (org.slf4j.LoggerFactory.getLogger("dev.switchboard.client")
        instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** Ends the run, as Ctrl-C does. */
  void stop() {
    stopped.countDown();
    Fleet fleet = running.get();
    if (fleet != null) {
      fleet.cancelStart();
    }
  }

  private void waitWithSummary(Fleet fleet, boolean single, PrintWriter out)
      throws InterruptedException {
    long deadline =
        durationSeconds == null
            ? Long.MAX_VALUE
            : System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos();
    boolean console = System.console() != null;
    int tick = 0;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || stopped.await(Math.min(left, 1_000_000_000L), TimeUnit.NANOSECONDS)) {
        return;
      }
      tick++;
      if (!single && (console || tick % 5 == 0)) {
        String line = fleet.summary().line();
        out.print(console ? "\r" + line + "   " : line + System.lineSeparator());
        out.flush();
      }
    }
  }

  /** A device log to {@code w}: every line, or in a fleet only warnings and errors. */
  private static DeviceLog lines(PrintWriter w, boolean onlyProblems) {
    return (device, level, line) -> {
      if (!onlyProblems || level == 'E' || level == 'W') {
        synchronized (w) {
          w.println(line);
          w.flush();
        }
      }
    };
  }
}
