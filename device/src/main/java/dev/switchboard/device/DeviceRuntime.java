package dev.switchboard.device;

import dev.switchboard.client.MqttClientNetwork;
import dev.switchboard.device.net.AccessPoint;
import dev.switchboard.device.net.WifiAir;
import java.util.List;

/**
 * What the devices of one run share: the simulated radio, the task watchdog, the clients' network
 * threads, where log lines go and the counters. Made once per run (a test, a fleet) and closed at
 * its end.
 */
public record DeviceRuntime(
    WifiAir air,
    TaskWatchdog watchdog,
    MqttClientNetwork network,
    DeviceLog log,
    DeviceCounters counters)
    implements AutoCloseable {

  /** A runtime with one access point, the chip's timings, the shared client network. */
  public static DeviceRuntime create(AccessPoint accessPoint, DeviceLog log) {
    return new DeviceRuntime(
        new WifiAir(List.of(accessPoint), WifiAir.Timing.CHIP),
        new TaskWatchdog(TaskWatchdog.DEFAULT_TIMEOUT),
        MqttClientNetwork.shared(),
        log,
        new DeviceCounters());
  }

  @Override
  public void close() {
    air.close();
    watchdog.close();
  }
}
