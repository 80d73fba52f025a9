package dev.switchboard.device.net;

import dev.switchboard.device.event.EventBase;

/**
 * The Wi-Fi and IP events a station posts, with ESP-IDF v5.5's bases, ids ({@code wifi_event_t},
 * {@code ip_event_t}), disconnection reasons ({@code wifi_err_reason_t}) and event data.
 */
public final class WifiEvents {
  private WifiEvents() {}

  public static final EventBase WIFI_EVENT = EventBase.define("WIFI_EVENT");
  public static final EventBase IP_EVENT = EventBase.define("IP_EVENT");

  public static final int WIFI_EVENT_STA_START = 2;
  public static final int WIFI_EVENT_STA_STOP = 3;
  public static final int WIFI_EVENT_STA_CONNECTED = 4;
  public static final int WIFI_EVENT_STA_DISCONNECTED = 5;

  public static final int IP_EVENT_STA_GOT_IP = 0;
  public static final int IP_EVENT_STA_LOST_IP = 1;

  public static final int WIFI_REASON_ASSOC_LEAVE = 8;
  public static final int WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT = 15;
  public static final int WIFI_REASON_BEACON_TIMEOUT = 200;
  public static final int WIFI_REASON_NO_AP_FOUND = 201;
  public static final int WIFI_REASON_AUTH_FAIL = 202;
  public static final int WIFI_REASON_ROAMING = 210;

  /** {@code wifi_event_sta_connected_t}. */
  public record StaConnected(String ssid, int channel) {}

  /** {@code wifi_event_sta_disconnected_t}. */
  public record StaDisconnected(String ssid, int reason, int rssi) {}

  /** {@code esp_netif_ip_info_t}, IPv4 as dotted strings. */
  public record IpInfo(String ip, String netmask, String gw) {}

  /** {@code ip_event_got_ip_t}. */
  public record GotIp(String netifDesc, IpInfo ipInfo, boolean ipChanged) {}
}
