package dev.switchboard.device.fleet;

import dev.switchboard.device.Device;
import dev.switchboard.device.DeviceConfig;
import dev.switchboard.device.DeviceRuntime;
import dev.switchboard.device.Firmware;
import dev.switchboard.device.Sdkconfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Many devices running one firmware in this JVM: named from a pattern ({@code device_%d}), each
 * with its own NVS directory, MAC, and sdkconfig: the fleet's, then the device's own file {@code
 * <nvs-dir>/<name>/sdkconfig} if there is one, then {@code CONFIG_BROKER_URL} (the broker's URI
 * with the device's user name and password when a credentials file has them) and {@code
 * CONFIG_MQTT_CLIENT_ID} (its name). Devices start at a steady rate, not all at once. A device
 * whose configuration is bad does not start, with a log line; the others do.
 */
public final class Fleet implements AutoCloseable {
  /** What to run. */
  public record Spec(
      Supplier<? extends Firmware> firmware,
      int count,
      String brokerUri,
      String idPattern,
      Map<String, String> credentials,
      Path nvsDir,
      Map<String, String> sdkconfig,
      FaultPlan faults,
      int startsPerSecond) {
    public Spec {
      if (count < 1) {
        throw new IllegalArgumentException("count must be 1 or more: " + count);
      }
      credentials = Map.copyOf(credentials);
      sdkconfig = Map.copyOf(sdkconfig);
      String probe = String.format(Locale.ROOT, idPattern, 1);
      if (probe.equals(String.format(Locale.ROOT, idPattern, 2)) && count > 1) {
        throw new IllegalArgumentException(
            "--id '" + idPattern + "' gives every device the same name: use %d");
      }
    }
  }

  /** A moment of the fleet, as the live summary line shows it. */
  public record Summary(
      int devices,
      int running,
      long connected,
      long aborted,
      double messagesPerSecond,
      long reconnects,
      long errors) {
    public String line() {
      return String.format(
          Locale.ROOT,
          "devices %d · running %d · connected %d · %.0f msg/s · reconnects %d · errors %d · stopped on error %d",
          devices,
          running,
          connected,
          messagesPerSecond,
          reconnects,
          errors,
          aborted);
    }
  }

  private final Spec spec;
  private final DeviceRuntime runtime;
  private final List<Device> devices = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService clock;
  private volatile boolean stopping;
  private long lastMessages;
  private long lastNanos = System.nanoTime();
  private long refused;

  public Fleet(Spec spec, DeviceRuntime runtime) {
    this.spec = spec;
    this.runtime = runtime;
    this.clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleet");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts every device, at {@code startsPerSecond}; returns once all are started. */
  public void start() throws InterruptedException {
    spec.faults().schedule(clock, () -> List.copyOf(devices));
    long gapNanos = spec.startsPerSecond() <= 0 ? 0 : 1_000_000_000L / spec.startsPerSecond();
    long next = System.nanoTime();
    for (int i = 1; i <= spec.count() && !stopping; i++) {
      String name = String.format(Locale.ROOT, spec.idPattern(), i);
      Map<String, String> sdkconfig;
      try {
        sdkconfig = sdkconfigOf(name);
      } catch (IllegalArgumentException | IOException e) {
        refused++;
        runtime
            .log()
            .line(
                name,
                'E',
                name
                    + " E (0) device: bad device configuration: "
                    + e.getMessage()
                    + "; not started");
        continue;
      }
      Device d =
          new Device(DeviceConfig.of(name, sdkconfig, spec.nvsDir()), spec.firmware(), runtime);
      devices.add(d);
      d.start();
      next += gapNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  private Map<String, String> sdkconfigOf(String name) throws IOException {
    Map<String, String> m = new LinkedHashMap<>(Sdkconfig.defaults());
    m.putAll(spec.sdkconfig());
    Path own = spec.nvsDir().resolve(name).resolve("sdkconfig");
    if (Files.exists(own)) {
      m.putAll(Sdkconfig.read(own));
    }
    if (spec.brokerUri() != null) {
      m.put("CONFIG_BROKER_URL", withCredentials(spec.brokerUri(), name));
    }
    m.put("CONFIG_MQTT_CLIENT_ID", name);
    return m;
  }

  private String withCredentials(String uri, String name) {
    if (spec.credentials().isEmpty()) {
      return uri;
    }
    String password = spec.credentials().get(name);
    if (password == null) {
      throw new IllegalArgumentException("the credentials file has no password for " + name);
    }
    try {
      URI u = new URI(uri);
      return new URI(
              u.getScheme(),
              name + ":" + password,
              u.getHost(),
              u.getPort(),
              u.getPath(),
              u.getQuery(),
              null)
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a broker URI: " + uri);
    }
  }

  /** Starts no more devices: {@link #start()} returns soon (Ctrl-C during a long start). */
  public void cancelStart() {
    stopping = true;
  }

  public List<Device> devices() {
    return List.copyOf(devices);
  }

  /** The summary now; messages per second since the last call. */
  public synchronized Summary summary() {
    long now = System.nanoTime();
    long messages = runtime.counters().messages();
    double rate = (messages - lastMessages) / Math.max(1e-9, (now - lastNanos) / 1e9);
    lastMessages = messages;
    lastNanos = now;
    int running = 0;
    for (Device d : devices) {
      if (d.state() == Device.State.RUNNING) {
        running++;
      }
    }
    return new Summary(
        spec.count(),
        running,
        runtime.counters().connected(),
        runtime.counters().aborted() + refused,
        rate,
        runtime.counters().reconnects(),
        runtime.counters().errors());
  }

  /** Stops every device, in parallel, and waits for them. */
  @Override
  public void close() {
    stopping = true;
    clock.shutdownNow();
    List<Thread> stops = new ArrayList<>();
    for (Device d : devices) {
      stops.add(Thread.ofVirtual().start(d::stop));
    }
    for (Thread t : stops) {
      try {
        t.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Reads a credentials file: {@code name:password} lines, {@code #} comments. */
  public static Map<String, String> readCredentials(Path file) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    int n = 0;
    for (String raw : Files.readAllLines(file)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(file + " line " + n + ": expected name:password");
      }
      m.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    return m;
  }
}
