package dev.switchboard.device;

import dev.switchboard.device.esp.EspErr;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One simulated ESP32: a firmware, run on the device's "main" task from each boot, with the
 * device's NVS, event loops, Wi-Fi station and MQTT clients ({@link Esp32} is what the firmware
 * sees). {@code esp_restart} boots it again with its NVS kept. An error of the firmware's own (an
 * exception out of {@code app_main} or a handler, a failed {@code ESP_ERROR_CHECK}, a task the
 * watchdog finds never yielding) stops this device only, with a log line saying why; the JVM and
 * the other devices go on.
 */
public final class Device {
  /** Where a device is in its life. */
  public enum State {
    CREATED,
    RUNNING,
    RESTARTING,
    STOPPED,
    ABORTED
  }

  private final DeviceConfig config;
  private final Supplier<? extends Firmware> firmware;
  private final DeviceRuntime runtime;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private volatile DeviceBoot boot;
  private volatile String stopReason;
  private int bootCount;

  /**
   * @param firmware makes the firmware for each boot (a restart starts from a new instance, as a
   *     chip's RAM starts anew)
   */
  public Device(DeviceConfig config, Supplier<? extends Firmware> firmware, DeviceRuntime runtime) {
    this.config = Objects.requireNonNull(config);
    this.firmware = Objects.requireNonNull(firmware);
    this.runtime = Objects.requireNonNull(runtime);
  }

  public String name() {
    return config.name();
  }

  public DeviceConfig config() {
    return config;
  }

  DeviceRuntime runtime() {
    return runtime;
  }

  public State state() {
    return state.get();
  }

  /** Why the device stopped (an abort's reason), or null. */
  public String stopReason() {
    return stopReason;
  }

  /** Boots the device: its firmware's {@code app_main} on a new "main" task. */
  public synchronized void start() {
    if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
      throw new IllegalStateException(name() + " has started already");
    }
    boot();
  }

  private synchronized void boot() {
    DeviceBoot b = new DeviceBoot(++bootCount, this, runtime);
    boot = b;
    Esp32 esp = new Esp32(this, b);
    esp.log(
        'I',
        "boot",
        "ESP32 simulated by Switchboard, MAC " + config.macString() + ", boot " + b.number);
    Thread main =
        Thread.ofVirtual()
            .name("main " + name())
            .unstarted(
                () -> {
                  esp.log('I', "main_task", "Calling app_main()");
                  try {
                    firmware.get().app_main(esp);
                    esp.log('I', "main_task", "Returned from app_main()");
                  } catch (DeviceStopped stopped) {
                    // restarting or stopped: nothing more to say
                  } catch (Throwable t) {
                    abort(b, "app_main threw " + describe(t));
                  }
                });
    b.tasks.add(main);
    runtime.watchdog().watch(main, t -> starved(b, t));
    main.start();
  }

  /** Stops the device and waits until all of it is let go. */
  public void stop() {
    State s = state.getAndSet(State.STOPPED);
    if (s == State.RUNNING || s == State.RESTARTING) {
      DeviceBoot b = boot;
      if (b != null) {
        b.shutdown(Thread.currentThread());
      }
    }
  }

  // ------------------------------------------------------------------ faults

  /** The access point goes out of reach for {@code duration} (WIFI_EVENT_STA_DISCONNECTED, 200). */
  public void linkDown(Duration duration) {
    DeviceBoot b = boot;
    if (b != null && state() == State.RUNNING) {
      b.wifi.linkDown(duration);
    }
  }

  /** The device loses its address for {@code duration} (IP_EVENT_STA_LOST_IP, then GOT_IP). */
  public void loseAddress(Duration duration) {
    DeviceBoot b = boot;
    if (b != null && state() == State.RUNNING) {
      b.wifi.loseAddress(duration);
    }
  }

  /** The broker cannot be reached for {@code duration}: the device's MQTT sockets close. */
  public void brokerUnreachable(Duration duration) {
    DeviceBoot b = boot;
    if (b != null && state() == State.RUNNING) {
      b.wifi.brokerUnreachable(duration);
    }
  }

  /** Restarts the device as {@code esp_restart} does (its NVS kept), from outside its firmware. */
  public void reboot() {
    DeviceBoot b = boot;
    if (b != null) {
      restart(b);
    }
  }

  /** The current boot's number: 1 for the first, one more after each restart. */
  public int bootNumber() {
    DeviceBoot b = boot;
    return b == null ? 0 : b.number;
  }

  // ------------------------------------------------------------------ from the firmware's threads

  /** Whether {@code b} is still the running boot; a firmware thread of an old one is stopped. */
  void checkRunning(DeviceBoot b) {
    if (state.get() != State.RUNNING || boot != b) {
      throw new DeviceStopped(name() + " is " + state.get().name().toLowerCase());
    }
  }

  /** {@code esp_restart}: boots again on another thread; the caller's thread unwinds. */
  DeviceStopped restart(DeviceBoot b) {
    if (boot == b && state.compareAndSet(State.RUNNING, State.RESTARTING)) {
      new Esp32(this, b).log('I', "esp_restart", "Restarting...");
      Thread.ofVirtual()
          .name("restart " + name())
          .start(
              () -> {
                b.shutdown(null);
                if (state.compareAndSet(State.RESTARTING, State.RUNNING)) {
                  boot();
                }
              });
    }
    return new DeviceStopped(name() + " restarts");
  }

  /** Stops the device on an error of its firmware's: the reason in its log, the rest goes on. */
  DeviceStopped abort(DeviceBoot b, String reason) {
    if (boot == b && state.compareAndSet(State.RUNNING, State.ABORTED)) {
      stopReason = reason;
      runtime.counters().aborted.increment();
      Esp32 esp = new Esp32(this, b);
      esp.log('E', "device", reason);
      esp.log(
          'E', "device", "abort() was called: " + name() + " stopped (the other devices go on)");
      Thread.ofVirtual().name("abort " + name()).start(() -> b.shutdown(null));
    }
    return new DeviceStopped(name() + " aborted");
  }

  /** A handler on one of the device's event loops threw: as a crash on the chip. */
  void handlerFailed(RuntimeException e) {
    DeviceBoot b = boot;
    if (b != null) {
      abort(b, "an event handler threw " + describe(e));
    }
  }

  private void starved(DeviceBoot b, Thread task) {
    abort(
        b,
        "Task watchdog got triggered: task \""
            + task.getName()
            + "\" did not yield (vTaskDelay) for "
            + TaskWatchdog.DEFAULT_TIMEOUT.toSeconds()
            + " s");
    task.interrupt();
  }

  static String describe(Throwable t) {
    StackTraceElement at = null;
    for (StackTraceElement e : t.getStackTrace()) {
      if (!e.getClassName().startsWith("java.") && !e.getClassName().startsWith("jdk.")) {
        at = e;
        break;
      }
    }
    return t.getClass().getName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage())
        + (at == null ? "" : " at " + at.getFileName() + ":" + at.getLineNumber());
  }

  /** The message of a failed {@code ESP_ERROR_CHECK}, as ESP-IDF prints it. */
  static String errorCheckFailed(int err, StackTraceElement at) {
    return String.format(
        "ESP_ERROR_CHECK failed: esp_err_t 0x%x (%s) file: \"%s\" line %d func: %s",
        err, EspErr.toName(err), at.getFileName(), at.getLineNumber(), at.getMethodName());
  }

  @Override
  public String toString() {
    return name() + " (" + state() + ")";
  }
}
