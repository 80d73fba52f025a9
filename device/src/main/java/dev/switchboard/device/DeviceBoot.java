package dev.switchboard.device;

import dev.switchboard.client.MqttClient;
import dev.switchboard.device.event.EspEvent;
import dev.switchboard.device.net.WifiStation;
import dev.switchboard.device.nvs.NvsFlash;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What one boot of a device holds, all of it let go at the next restart or at the stop: its event
 * library, NVS (the files stay), Wi-Fi station, MQTT clients, tasks and timers.
 */
final class DeviceBoot {
  final int number;
  final long startNanos = System.nanoTime();
  final EspEvent events;
  final NvsFlash nvs;
  final WifiStation wifi;
  final List<MqttClient> clients = new CopyOnWriteArrayList<>();
  final List<MqttEventsRelay> relays = new CopyOnWriteArrayList<>();
  final List<Thread> tasks = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService timerTask;
  private final String deviceName;

  DeviceBoot(int number, Device device, DeviceRuntime runtime) {
    this.number = number;
    this.deviceName = device.name();
    this.events = new EspEvent(device.name(), device::handlerFailed);
    this.nvs = new NvsFlash(device.config().deviceNvsDir());
    this.wifi = new WifiStation(device.name(), device.config().mac(), events, runtime.air());
  }

  long millisSinceBoot() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** The {@code esp_timer} task, made on first use. */
  synchronized ScheduledExecutorService timerTask() {
    if (timerTask == null) {
      timerTask =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofVirtual().name("esp_timer " + deviceName).factory());
    }
    return timerTask;
  }

  /**
   * Lets everything go: the link first (its sockets die without a DISCONNECT, as a reset chip's
   * do), then the event loops, tasks and timers, the clients, NVS.
   */
  void shutdown(Thread caller) {
    wifi.shutdown();
    events.shutdown();
    for (Thread t : tasks) {
      if (t != caller) {
        t.interrupt();
      }
    }
    synchronized (this) {
      if (timerTask != null) {
        timerTask.shutdownNow();
      }
    }
    for (MqttClient c : clients) {
      try {
        c.destroy();
      } catch (RuntimeException e) {
        // destroyed from one of its own handlers' threads: its task ends with the loop
      }
    }
    relays.forEach(MqttEventsRelay::forget);
    nvs.deinitAll();
  }
}
