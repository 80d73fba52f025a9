package dev.switchboard.device;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_ARG;
import static dev.switchboard.device.esp.EspErr.ESP_OK;

import dev.switchboard.client.MqttClient;
import dev.switchboard.client.MqttClientConfig;
import dev.switchboard.device.esp.EspErr;
import dev.switchboard.device.esp.EspLog;
import dev.switchboard.device.esp.FreeRtos;
import dev.switchboard.device.event.EspEvent;
import dev.switchboard.device.event.EventBase;
import dev.switchboard.device.event.EventHandler;
import dev.switchboard.device.event.EventHandlerInstance;
import dev.switchboard.device.net.ExampleConnect;
import dev.switchboard.device.net.WifiStation;
import dev.switchboard.device.nvs.NvsFlash;
import dev.switchboard.device.nvs.NvsHandle;
import dev.switchboard.device.nvs.NvsOpenMode;

/**
 * What a firmware sees of its device: ESP-IDF's calls under their ESP-IDF names, so that {@code
 * app_main} reads as it does in C ({@code nvs_flash_init(); esp_netif_init();
 * esp_event_loop_create_default(); example_connect();}). Calls return {@code esp_err_t} codes
 * ({@link EspErr}); what C returns through a pointer comes back in an array's first element. The
 * less common calls are on the objects behind {@link #nvs()}, {@link #events()} and {@link
 * #wifi()}.
 *
 * <p>Every call checks that the device still runs: on a device that stopped, aborted or restarts,
 * it throws {@link DeviceStopped}, which unwinds the firmware's thread.
 */
public final class Esp32 implements EspLog {
  private final Device device;
  private final DeviceBoot boot;
  private volatile ExampleConnect exampleConnect;

  Esp32(Device device, DeviceBoot boot) {
    this.device = device;
    this.boot = boot;
  }

  private void running() {
    device.checkRunning(boot);
  }

  /** The device's name ({@code device_1}). */
  public String deviceName() {
    return device.name();
  }

  /** A {@code CONFIG_*} value of the device's sdkconfig, or null. */
  public String config(String key) {
    return device.config().config(key, null);
  }

  /** A {@code CONFIG_*} value of the device's sdkconfig, or {@code fallback}. */
  public String config(String key, String fallback) {
    return device.config().config(key, fallback);
  }

  /**
   * A whole-number {@code CONFIG_*} value, or {@code fallback} when it is not set; a value that is
   * not a number stops the device with a line naming it (a bad device configuration).
   */
  public long configInt(String key, long fallback) {
    String value = device.config().config(key, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw device.abort(
          boot, "bad device configuration: " + key + "=\"" + value + "\" is not a number");
    }
  }

  // ------------------------------------------------------------------ logging and errors

  public void ESP_LOGE(String tag, String format, Object... args) {
    logf('E', tag, format, args);
  }

  public void ESP_LOGW(String tag, String format, Object... args) {
    logf('W', tag, format, args);
  }

  public void ESP_LOGI(String tag, String format, Object... args) {
    logf('I', tag, format, args);
  }

  public void ESP_LOGD(String tag, String format, Object... args) {
    logf('D', tag, format, args);
  }

  private void logf(char level, String tag, String format, Object... args) {
    running();
    log(level, tag, CFormat.format(format, args));
  }

  /** A line of this device's log, as ESP-IDF formats it, after the device's name. */
  @Override
  public void log(char level, String tag, String message) {
    if (device.state() == Device.State.STOPPED) {
      return; // stopped on request: what its threads say while they unwind is noise
    }
    device
        .runtime()
        .log()
        .line(
            device.name(),
            level,
            device.name()
                + " "
                + level
                + " ("
                + boot.millisSinceBoot()
                + ") "
                + tag
                + ": "
                + message);
  }

  /**
   * {@code ESP_ERROR_CHECK}: anything but {@code ESP_OK} aborts the device, with the code, its
   * name, and the caller's file, line and method in the log.
   */
  public void ESP_ERROR_CHECK(int err) {
    if (err == ESP_OK) {
      running();
      return;
    }
    StackTraceElement caller =
        StackWalker.getInstance()
            .walk(
                s ->
                    s.filter(f -> !f.getClassName().equals(Esp32.class.getName()))
                        .findFirst()
                        .map(StackWalker.StackFrame::toStackTraceElement)
                        .orElse(new StackTraceElement("?", "?", "?", -1)));
    throw device.abort(boot, Device.errorCheckFailed(err, caller));
  }

  /** {@code ESP_ERROR_CHECK_WITHOUT_ABORT}: logs a failed check and returns the code. */
  public int ESP_ERROR_CHECK_WITHOUT_ABORT(int err) {
    running();
    if (err != ESP_OK) {
      log(
          'E',
          "err",
          "ESP_ERROR_CHECK_WITHOUT_ABORT failed: esp_err_t 0x"
              + Integer.toHexString(err)
              + " ("
              + EspErr.toName(err)
              + ")");
    }
    return err;
  }

  /** {@code esp_err_to_name}. */
  public static String esp_err_to_name(int err) {
    return EspErr.toName(err);
  }

  // ------------------------------------------------------------------ system

  /** {@code esp_restart}: never returns; the device boots again with its NVS. */
  public void esp_restart() {
    running();
    throw device.restart(boot);
  }

  /** {@code esp_timer_get_time}: microseconds since this boot. */
  public long esp_timer_get_time() {
    running();
    return (System.nanoTime() - boot.startNanos) / 1000;
  }

  /** {@code esp_efuse_mac_get_default}: the device's MAC in {@code mac[0..5]}. */
  public int esp_efuse_mac_get_default(byte[] mac) {
    running();
    if (mac == null || mac.length < 6) {
      return ESP_ERR_INVALID_ARG;
    }
    System.arraycopy(device.config().mac(), 0, mac, 0, 6);
    return ESP_OK;
  }

  /** {@code vTaskDelay}: ticks of 10 ms ({@link FreeRtos#pdMS_TO_TICKS}). */
  public void vTaskDelay(long ticks) {
    running();
    device.runtime().watchdog().fed(Thread.currentThread());
    try {
      Thread.sleep(ticks * FreeRtos.portTICK_PERIOD_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running();
      throw new DeviceStopped(device.name() + " interrupted");
    }
    running();
  }

  /** {@code pdMS_TO_TICKS}. */
  public static long pdMS_TO_TICKS(long ms) {
    return FreeRtos.pdMS_TO_TICKS(ms);
  }

  /**
   * {@code xTaskCreate}: runs {@code task} on a new task of this device (a virtual thread named
   * {@code name}), watched by the task watchdog; an exception out of it stops the device.
   */
  public int xTaskCreate(Runnable task, String name) {
    running();
    Thread t =
        Thread.ofVirtual()
            .name(name + " " + device.name())
            .unstarted(
                () -> {
                  try {
                    task.run();
                  } catch (DeviceStopped stopped) {
                    // the device stops or restarts
                  } catch (Throwable e) {
                    device.abort(boot, "task \"" + name + "\" threw " + Device.describe(e));
                  }
                });
    boot.tasks.add(t);
    device
        .runtime()
        .watchdog()
        .watch(
            t,
            starved ->
                device.abort(
                    boot, "Task watchdog got triggered: task \"" + name + "\" did not yield"));
    t.start();
    return 1; // pdPASS
  }

  /** {@code esp_timer_create}: a timer whose callback runs on the {@code esp_timer} task. */
  public int esp_timer_create(String name, Runnable callback, EspTimer[] out) {
    running();
    if (callback == null || out == null) {
      return ESP_ERR_INVALID_ARG;
    }
    Runnable guarded =
        () -> {
          try {
            device.checkRunning(boot);
            callback.run();
          } catch (DeviceStopped stopped) {
            // the device stops or restarts
          } catch (Throwable e) {
            device.abort(boot, "esp_timer \"" + name + "\" callback threw " + Device.describe(e));
          }
        };
    out[0] = new EspTimer(name, guarded, boot.timerTask());
    return ESP_OK;
  }

  public int esp_timer_start_once(EspTimer timer, long timeoutUs) {
    running();
    return timer == null ? ESP_ERR_INVALID_ARG : timer.startOnce(timeoutUs);
  }

  public int esp_timer_start_periodic(EspTimer timer, long periodUs) {
    running();
    return timer == null ? ESP_ERR_INVALID_ARG : timer.startPeriodic(periodUs);
  }

  public int esp_timer_stop(EspTimer timer) {
    running();
    return timer == null ? ESP_ERR_INVALID_ARG : timer.stop();
  }

  public int esp_timer_delete(EspTimer timer) {
    running();
    return timer == null ? ESP_ERR_INVALID_ARG : timer.delete();
  }

  // ------------------------------------------------------------------ NVS

  /** The device's NVS, for the calls not repeated here ({@code nvs_get_stats}, iterators...). */
  public NvsFlash nvs() {
    running();
    return boot.nvs;
  }

  public int nvs_flash_init() {
    running();
    return boot.nvs.init();
  }

  public int nvs_flash_erase() {
    running();
    return boot.nvs.erase();
  }

  public int nvs_flash_deinit() {
    running();
    return boot.nvs.deinit();
  }

  public int nvs_open(String namespace, NvsOpenMode mode, NvsHandle[] out) {
    running();
    return boot.nvs.open(namespace, mode, out);
  }

  // ------------------------------------------------------------------ events

  /** The device's event library, for user loops and the instance calls. */
  public EspEvent events() {
    running();
    return boot.events;
  }

  public int esp_event_loop_create_default() {
    running();
    return boot.events.loopCreateDefault();
  }

  public int esp_event_handler_register(EventBase base, int id, EventHandler handler) {
    running();
    return boot.events.handlerRegister(base, id, handler);
  }

  public int esp_event_handler_instance_register(
      EventBase base, int id, EventHandler handler, EventHandlerInstance[] out) {
    running();
    return boot.events.handlerInstanceRegister(base, id, handler, out);
  }

  public int esp_event_handler_unregister(EventBase base, int id, EventHandler handler) {
    running();
    return boot.events.handlerUnregister(base, id, handler);
  }

  public int esp_event_post(EventBase base, int id, Object data, long ticksToWait) {
    running();
    return boot.events.post(base, id, data, ticksToWait);
  }

  // ------------------------------------------------------------------ network

  /** The device's Wi-Fi station. */
  public WifiStation wifi() {
    running();
    return boot.wifi;
  }

  /** {@code esp_netif_init}. */
  public int esp_netif_init() {
    running();
    return ESP_OK;
  }

  /**
   * {@code example_connect}: joins {@code CONFIG_EXAMPLE_WIFI_SSID} with {@code
   * CONFIG_EXAMPLE_WIFI_PASSWORD}, blocking until the device has an address; ESP_FAIL after {@code
   * CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY} (6) failures in a row.
   */
  public int example_connect() {
    running();
    DeviceConfig c = device.config();
    ExampleConnect ec =
        new ExampleConnect(
            boot.wifi,
            boot.events,
            this,
            c.config("CONFIG_EXAMPLE_WIFI_SSID", Sdkconfig.DEFAULT_SSID),
            c.config("CONFIG_EXAMPLE_WIFI_PASSWORD", Sdkconfig.DEFAULT_WIFI_PASSWORD),
            (int)
                configInt("CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY", ExampleConnect.DEFAULT_MAX_RETRY));
    exampleConnect = ec;
    device.runtime().watchdog().fed(Thread.currentThread());
    try {
      return ec.connect();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running();
      throw new DeviceStopped(device.name() + " interrupted");
    }
  }

  /** {@code example_disconnect}. */
  public int example_disconnect() {
    running();
    ExampleConnect ec = exampleConnect;
    return ec == null ? EspErr.ESP_ERR_INVALID_STATE : ec.disconnect();
  }

  // ------------------------------------------------------------------ MQTT

  /**
   * {@code esp_mqtt_client_init}: a client on this device: its default client id from the device's
   * MAC (unless the configuration sets one), its events through the device's default event loop
   * (base {@code MQTT_EVENTS}), its connections over the device's Wi-Fi.
   */
  public MqttClient esp_mqtt_client_init(MqttClientConfig config) {
    running();
    MqttClientConfig onDevice = config.toBuilder().deviceMac(device.config().mac()).build();
    MqttEventsRelay relay = new MqttEventsRelay(boot.events, device.runtime().counters());
    MqttClient client = MqttClient.init(onDevice, device.runtime().network(), relay, boot.wifi);
    relay.bind(client);
    boot.relays.add(relay);
    boot.clients.add(client);
    return client;
  }
}
