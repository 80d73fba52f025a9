package dev.switchboard.device.net;

import static dev.switchboard.device.esp.EspErr.ESP_ERR_INVALID_ARG;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_WIFI_NOT_INIT;
import static dev.switchboard.device.esp.EspErr.ESP_ERR_WIFI_NOT_STARTED;
import static dev.switchboard.device.esp.EspErr.ESP_OK;
import static dev.switchboard.device.net.WifiEvents.*;

import dev.switchboard.client.MqttLink;
import dev.switchboard.device.esp.FreeRtos;
import dev.switchboard.device.event.EspEvent;
import dev.switchboard.device.event.EventBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * A device's Wi-Fi station and its network interface: {@code esp_wifi_init}, {@code
 * esp_wifi_set_config}, {@code esp_wifi_start}, {@code esp_wifi_connect}, {@code
 * esp_wifi_disconnect}, {@code esp_wifi_stop}, posting WIFI_EVENT_STA_START, _CONNECTED,
 * _DISCONNECTED (with ESP-IDF's reasons: 201 no AP with that SSID, 15 a wrong password, 200 the
 * link lost, 8 left on request) and IP_EVENT_STA_GOT_IP / _LOST_IP to the device's default loop,
 * from the device's own Wi-Fi task. It is also the link its MQTT clients connect over ({@link
 * MqttLink}): up while the station has an address and the broker is reachable; faults (a link down,
 * an address lost, the broker unreachable) close their sockets.
 */
public final class WifiStation implements MqttLink {
  /** What {@code esp_netif_create_default_wifi_sta} names the interface in example_connect. */
  public static final String NETIF_DESC_STA = "example_netif_sta";

  private final EspEvent events;
  private final WifiAir air;
  private final IpInfo address;
  private final ExecutorService wifiTask;

  // Guarded by this.
  private boolean initialised;
  private boolean started;
  private String ssid;
  private String password;
  private boolean associated;
  private boolean hasIp;
  private long linkDownUntil;
  private long brokerUnreachableUntil;
  private ScheduledFuture<?> pending;
  private final List<Connection> connections = new ArrayList<>();

  public WifiStation(String deviceName, byte[] mac, EspEvent events, WifiAir air) {
    this.events = events;
    this.air = air;
    this.address =
        new IpInfo(
            "10." + (mac[3] & 0xFF) + "." + (mac[4] & 0xFF) + "." + Math.max(2, mac[5] & 0xFF),
            "255.0.0.0",
            "10.0.0.1");
    this.wifiTask =
        Executors.newSingleThreadExecutor(Thread.ofVirtual().name("wifi " + deviceName).factory());
  }

  // ------------------------------------------------------------------ esp_wifi_*

  /** {@code esp_wifi_init}. */
  public synchronized int init() {
    initialised = true;
    return ESP_OK;
  }

  /** {@code esp_wifi_set_config} for the station: the SSID and password it joins. */
  public synchronized int setConfig(String ssid, String password) {
    if (!initialised) {
      return ESP_ERR_WIFI_NOT_INIT;
    }
    if (ssid == null || ssid.isEmpty() || ssid.length() > 32) {
      return ESP_ERR_INVALID_ARG;
    }
    this.ssid = ssid;
    this.password = password == null ? "" : password;
    return ESP_OK;
  }

  /** {@code esp_wifi_start}: WIFI_EVENT_STA_START. */
  public synchronized int start() {
    if (!initialised) {
      return ESP_ERR_WIFI_NOT_INIT;
    }
    if (!started) {
      started = true;
      post(WIFI_EVENT, WIFI_EVENT_STA_START, null);
    }
    return ESP_OK;
  }

  /**
   * {@code esp_wifi_connect}: joins in the background; CONNECTED then GOT_IP, or DISCONNECTED with
   * the reason.
   */
  public synchronized int connect() {
    if (!initialised) {
      return ESP_ERR_WIFI_NOT_INIT;
    }
    if (!started) {
      return ESP_ERR_WIFI_NOT_STARTED;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    AccessPoint ap = linkIsDown() ? null : air.find(ssid).orElse(null);
    if (ap == null) {
      pending = later(air.timing().scan(), () -> failAttempt(WIFI_REASON_NO_AP_FOUND));
    } else if (!ap.password().equals(password)) {
      pending = later(air.timing().auth(), () -> failAttempt(WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT));
    } else {
      pending = later(air.timing().auth(), () -> associate(ap));
    }
    return ESP_OK;
  }

  /** {@code esp_wifi_disconnect}: DISCONNECTED with reason 8 when it was connected. */
  public synchronized int disconnect() {
    if (!started) {
      return ESP_ERR_WIFI_NOT_STARTED;
    }
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
    if (associated) {
      loseAssociation(WIFI_REASON_ASSOC_LEAVE);
    }
    return ESP_OK;
  }

  /** {@code esp_wifi_stop}: WIFI_EVENT_STA_STOP. */
  public synchronized int stop() {
    if (started) {
      disconnect();
      started = false;
      post(WIFI_EVENT, WIFI_EVENT_STA_STOP, null);
    }
    return ESP_OK;
  }

  /** The device is going away: no more events, every socket closed. */
  public void shutdown() {
    synchronized (this) {
      if (pending != null) {
        pending.cancel(false);
      }
      started = false;
      associated = false;
      hasIp = false;
      dropConnections();
    }
    wifiTask.shutdownNow();
  }

  public synchronized IpInfo ipInfo() {
    return hasIp ? address : new IpInfo("0.0.0.0", "0.0.0.0", "0.0.0.0");
  }

  // ------------------------------------------------------------------ faults

  /** The access point goes out of reach for {@code duration}: DISCONNECTED, reason 200. */
  public synchronized void linkDown(Duration duration) {
    linkDownUntil = System.nanoTime() + duration.toNanos();
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
    if (associated) {
      loseAssociation(WIFI_REASON_BEACON_TIMEOUT);
    } else {
      dropConnections();
    }
  }

  /** The address is lost (its lease not renewed) for {@code duration}: LOST_IP, then GOT_IP. */
  public synchronized void loseAddress(Duration duration) {
    if (!hasIp) {
      return;
    }
    hasIp = false;
    dropConnections();
    post(IP_EVENT, IP_EVENT_STA_LOST_IP, null);
    later(duration, this::renewAddress);
  }

  /** The broker cannot be reached for {@code duration}: sockets closed, connects refused. */
  public synchronized void brokerUnreachable(Duration duration) {
    brokerUnreachableUntil = System.nanoTime() + duration.toNanos();
    dropConnections();
  }

  // ------------------------------------------------------------------ MqttLink

  @Override
  public synchronized boolean isUp() {
    return hasIp && System.nanoTime() - brokerUnreachableUntil >= 0;
  }

  @Override
  public synchronized void opened(Connection connection) {
    connections.removeIf(c -> !c.isOpen());
    if (!isUp()) {
      connection.drop(); // the link went down while it was being opened
      return;
    }
    connections.add(connection);
  }

  // ------------------------------------------------------------------ steps, on the Wi-Fi task

  private synchronized void failAttempt(int reason) {
    pending = null;
    if (started) {
      post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, new StaDisconnected(ssid, reason, -90));
    }
  }

  private synchronized void associate(AccessPoint ap) {
    pending = null;
    if (!started) {
      return;
    }
    if (linkIsDown()) {
      failAttempt(WIFI_REASON_NO_AP_FOUND);
      return;
    }
    associated = true;
    post(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, new StaConnected(ap.ssid(), ap.channel()));
    pending = later(air.timing().dhcp(), this::renewAddress);
  }

  private synchronized void renewAddress() {
    if (associated && !hasIp && !linkIsDown()) {
      hasIp = true;
      post(IP_EVENT, IP_EVENT_STA_GOT_IP, new GotIp(NETIF_DESC_STA, address, true));
    }
  }

  private void loseAssociation(int reason) {
    associated = false;
    boolean hadIp = hasIp;
    hasIp = false;
    dropConnections();
    post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, new StaDisconnected(ssid, reason, -90));
    if (hadIp) {
      // ESP-IDF posts LOST_IP once its timer expires; a simulated one has no reason to wait
      post(IP_EVENT, IP_EVENT_STA_LOST_IP, null);
    }
  }

  private boolean linkIsDown() {
    return System.nanoTime() - linkDownUntil < 0;
  }

  private void dropConnections() {
    for (Connection c : connections) {
      c.drop();
    }
    connections.clear();
  }

  private ScheduledFuture<?> later(Duration delay, Runnable step) {
    return air.after(
        delay,
        () -> {
          try {
            wifiTask.execute(step);
          } catch (RejectedExecutionException e) {
            // the device is gone
          }
        });
  }

  /** Posts from the Wi-Fi task, waiting for room as ESP-IDF's Wi-Fi task does. */
  private void post(EventBase base, int id, Object data) {
    try {
      wifiTask.execute(() -> events.post(base, id, data, FreeRtos.portMAX_DELAY));
    } catch (RejectedExecutionException e) {
      // the device is gone
    }
  }
}
