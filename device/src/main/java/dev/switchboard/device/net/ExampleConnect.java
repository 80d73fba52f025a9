package dev.switchboard.device.net;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_WIFI_NOT_STARTED;
import static dev.switchboard.device.esp.EspErr.ESP_FAIL;
import static dev.switchboard.device.esp.EspErr.ESP_OK;
import static dev.switchboard.device.net.WifiEvents.*;

import dev.switchboard.device.esp.EspErr;
import dev.switchboard.device.esp.EspLog;
import dev.switchboard.device.event.EspEvent;
import dev.switchboard.device.event.EventHandler;
import java.util.concurrent.Semaphore;

/**
 * ESP-IDF's {@code protocol_examples_common} Wi-Fi helper: {@code example_connect} starts the
 * station, joins the configured network and blocks until it has an address; each disconnection is
 * retried, up to {@code CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY} (6) times in a row, after which it
 * stops reconnecting and returns {@code ESP_FAIL}. Its handlers stay registered once connected, so
 * a later drop is retried the same way, as the ESP-IDF helper does. Its log lines are the helper's.
 */
public final class ExampleConnect {
  private static final String TAG = "example_connect";
  private static final String COMMON_TAG = "example_common";

  /** {@code CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY}'s default. */
  public static final int DEFAULT_MAX_RETRY = 6;

  private final WifiStation station;
  private final EspEvent events;
  private final EspLog log;
  private final String ssid;
  private final String password;
  private final int maxRetry;

  // Touched by the caller and the default loop's task.
  private volatile int retries;
  private volatile Semaphore gotIp;
  private final EventHandler onDisconnect = (b, id, data) -> onDisconnect((StaDisconnected) data);
  private final EventHandler onGotIp = (b, id, data) -> onGotIp((GotIp) data);
  private final EventHandler onConnect = (b, id, data) -> {};

  public ExampleConnect(
      WifiStation station,
      EspEvent events,
      EspLog log,
      String ssid,
      String password,
      int maxRetry) {
    this.station = station;
    this.events = events;
    this.log = log;
    this.ssid = ssid;
    this.password = password;
    this.maxRetry = maxRetry;
  }

  /**
   * {@code example_connect}: ESP_OK once the station has an address, ESP_FAIL after the retries;
   * ESP_ERR_INVALID_STATE when there is no default event loop.
   */
  public int connect() throws InterruptedException {
    log.info(TAG, "Start example_connect.");
    int err = station.init();
    if (err == ESP_OK) {
      err = station.start();
    }
    if (err != ESP_OK) {
      return err;
    }
    gotIp = new Semaphore(0);
    retries = 0;
    err = events.handlerRegister(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, onDisconnect);
    if (err != ESP_OK) {
      return err;
    }
    events.handlerRegister(IP_EVENT, IP_EVENT_STA_GOT_IP, onGotIp);
    events.handlerRegister(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, onConnect);
    log.info(TAG, "Connecting to " + ssid + "...");
    err = station.setConfig(ssid, password);
    if (err == ESP_OK) {
      err = station.connect();
    }
    if (err != ESP_OK) {
      log.error(TAG, "WiFi connect failed! ret:" + Integer.toHexString(err));
      return err;
    }
    log.info(TAG, "Waiting for IP(s)");
    gotIp.acquire();
    gotIp = null;
    if (retries > maxRetry) {
      return ESP_FAIL;
    }
    IpInfo ip = station.ipInfo();
    log.info(COMMON_TAG, "Connected to " + WifiStation.NETIF_DESC_STA);
    log.info(COMMON_TAG, "- IPv4 address: " + ip.ip() + ",");
    return ESP_OK;
  }

  /**
   * {@code example_disconnect}: unregisters the handlers, leaves the network, stops the station.
   */
  public int disconnect() {
    unregister();
    station.disconnect();
    station.stop();
    return ESP_OK;
  }

  private void unregister() {
    events.handlerUnregister(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, onDisconnect);
    events.handlerUnregister(IP_EVENT, IP_EVENT_STA_GOT_IP, onGotIp);
    events.handlerUnregister(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, onConnect);
  }

  private void onDisconnect(StaDisconnected d) {
    retries++;
    if (retries > maxRetry) {
      log.info(TAG, "WiFi Connect failed " + retries + " times, stop reconnect.");
      Semaphore s = gotIp;
      if (s != null) {
        s.release();
      }
      unregister();
      station.disconnect();
      return;
    }
    if (d.reason() == WIFI_REASON_ROAMING) {
      return;
    }
    log.info(TAG, "Wi-Fi disconnected " + d.reason() + ", trying to reconnect...");
    int err = station.connect();
    if (err == ESP_ERR_WIFI_NOT_STARTED) {
      return;
    }
    if (err != ESP_OK) {
      throw new IllegalStateException(
          "ESP_ERROR_CHECK failed: esp_err_t 0x"
              + Integer.toHexString(err)
              + " ("
              + EspErr.toName(err)
              + ")");
    }
  }

  private void onGotIp(GotIp event) {
    retries = 0;
    if (!WifiStation.NETIF_DESC_STA.equals(event.netifDesc())) {
      return;
    }
    log.info(
        TAG,
        "Got IPv4 event: Interface \"" + event.netifDesc() + "\" address: " + event.ipInfo().ip());
    Semaphore s = gotIp;
    if (s != null) {
      s.release();
    } else {
      log.info(TAG, "- IPv4 address: " + event.ipInfo().ip() + ",");
    }
  }
}
