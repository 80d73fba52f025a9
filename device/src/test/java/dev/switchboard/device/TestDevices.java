package dev.switchboard.device;

import dev.switchboard.client.MqttClientNetwork;
import dev.switchboard.device.net.AccessPoint;
import dev.switchboard.device.net.WifiAir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Devices for tests: one access point ("lab", "esp32-lab"), fast Wi-Fi steps, a 2 s watchdog, log
 * lines kept (and printed, so a failing test's report has them).
 */
final class TestDevices implements AutoCloseable {
  static final AccessPoint LAB = new AccessPoint("lab", "esp32-lab");

  final List<String> lines = new CopyOnWriteArrayList<>();
  final DeviceRuntime runtime;
  final Path nvsDir;
  private final List<Device> devices = new ArrayList<>();

  TestDevices(Path nvsDir) {
    this.nvsDir = nvsDir;
    this.runtime =
        new DeviceRuntime(
            new WifiAir(List.of(LAB), WifiAir.Timing.FAST),
            new TaskWatchdog(Duration.ofSeconds(2)),
            MqttClientNetwork.shared(),
            (device, level, line) -> {
              lines.add(line);
              System.out.println(line);
            },
            new DeviceCounters());
  }

  /** The lab's Wi-Fi settings plus {@code extra}. */
  static Map<String, String> sdkconfig(String... extra) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("CONFIG_EXAMPLE_WIFI_SSID", LAB.ssid());
    m.put("CONFIG_EXAMPLE_WIFI_PASSWORD", LAB.password());
    for (int i = 0; i + 1 < extra.length; i += 2) {
      m.put(extra[i], extra[i + 1]);
    }
    return m;
  }

  Device start(String name, Map<String, String> sdkconfig, Firmware firmware) {
    Device d = new Device(DeviceConfig.of(name, sdkconfig, nvsDir), () -> firmware, runtime);
    devices.add(d);
    d.start();
    return d;
  }

  List<String> linesOf(String name) {
    return lines.stream().filter(l -> l.startsWith(name + " ")).toList();
  }

  boolean logged(String name, String text) {
    return linesOf(name).stream().anyMatch(l -> l.contains(text));
  }

  @Override
  public void close() {
    devices.forEach(Device::stop);
    runtime.close();
  }
}
