package dev.switchboard.device.esp;

import java.util.Map;

/**
 * ESP-IDF's {@code esp_err_t} codes (ESP-IDF v5.5, {@code esp_err.h}, {@code nvs.h}, {@code
 * esp_wifi.h}) with the values and names a firmware compares against and prints. Every call of the
 * device runtime that returns an {@code int} returns one of these, as its ESP-IDF counterpart does.
 */
public final class EspErr {
  private EspErr() {}

  public static final int ESP_OK = 0;
  public static final int ESP_FAIL = -1;

  public static final int ESP_ERR_NO_MEM = 0x101;
  public static final int ESP_ERR_INVALID_ARG = 0x102;
  public static final int ESP_ERR_INVALID_STATE = 0x103;
  public static final int ESP_ERR_INVALID_SIZE = 0x104;
  public static final int ESP_ERR_NOT_FOUND = 0x105;
  public static final int ESP_ERR_NOT_SUPPORTED = 0x106;
  public static final int ESP_ERR_TIMEOUT = 0x107;
  public static final int ESP_ERR_INVALID_RESPONSE = 0x108;
  public static final int ESP_ERR_INVALID_CRC = 0x109;
  public static final int ESP_ERR_INVALID_VERSION = 0x10A;
  public static final int ESP_ERR_INVALID_MAC = 0x10B;
  public static final int ESP_ERR_NOT_FINISHED = 0x10C;
  public static final int ESP_ERR_NOT_ALLOWED = 0x10D;

  public static final int ESP_ERR_NVS_BASE = 0x1100;
  public static final int ESP_ERR_NVS_NOT_INITIALIZED = ESP_ERR_NVS_BASE + 0x01;
  public static final int ESP_ERR_NVS_NOT_FOUND = ESP_ERR_NVS_BASE + 0x02;
  public static final int ESP_ERR_NVS_TYPE_MISMATCH = ESP_ERR_NVS_BASE + 0x03;
  public static final int ESP_ERR_NVS_READ_ONLY = ESP_ERR_NVS_BASE + 0x04;
  public static final int ESP_ERR_NVS_NOT_ENOUGH_SPACE = ESP_ERR_NVS_BASE + 0x05;
  public static final int ESP_ERR_NVS_INVALID_NAME = ESP_ERR_NVS_BASE + 0x06;
  public static final int ESP_ERR_NVS_INVALID_HANDLE = ESP_ERR_NVS_BASE + 0x07;
  public static final int ESP_ERR_NVS_REMOVE_FAILED = ESP_ERR_NVS_BASE + 0x08;
  public static final int ESP_ERR_NVS_KEY_TOO_LONG = ESP_ERR_NVS_BASE + 0x09;
  public static final int ESP_ERR_NVS_PAGE_FULL = ESP_ERR_NVS_BASE + 0x0a;
  public static final int ESP_ERR_NVS_INVALID_STATE = ESP_ERR_NVS_BASE + 0x0b;
  public static final int ESP_ERR_NVS_INVALID_LENGTH = ESP_ERR_NVS_BASE + 0x0c;
  public static final int ESP_ERR_NVS_NO_FREE_PAGES = ESP_ERR_NVS_BASE + 0x0d;
  public static final int ESP_ERR_NVS_VALUE_TOO_LONG = ESP_ERR_NVS_BASE + 0x0e;
  public static final int ESP_ERR_NVS_PART_NOT_FOUND = ESP_ERR_NVS_BASE + 0x0f;
  public static final int ESP_ERR_NVS_NEW_VERSION_FOUND = ESP_ERR_NVS_BASE + 0x10;

  public static final int ESP_ERR_WIFI_BASE = 0x3000;
  public static final int ESP_ERR_WIFI_NOT_INIT = ESP_ERR_WIFI_BASE + 1;
  public static final int ESP_ERR_WIFI_NOT_STARTED = ESP_ERR_WIFI_BASE + 2;
  public static final int ESP_ERR_WIFI_NOT_STOPPED = ESP_ERR_WIFI_BASE + 3;
  public static final int ESP_ERR_WIFI_IF = ESP_ERR_WIFI_BASE + 4;
  public static final int ESP_ERR_WIFI_MODE = ESP_ERR_WIFI_BASE + 5;
  public static final int ESP_ERR_WIFI_STATE = ESP_ERR_WIFI_BASE + 6;
  public static final int ESP_ERR_WIFI_CONN = ESP_ERR_WIFI_BASE + 7;
  public static final int ESP_ERR_WIFI_NVS = ESP_ERR_WIFI_BASE + 8;
  public static final int ESP_ERR_WIFI_MAC = ESP_ERR_WIFI_BASE + 9;
  public static final int ESP_ERR_WIFI_SSID = ESP_ERR_WIFI_BASE + 10;
  public static final int ESP_ERR_WIFI_PASSWORD = ESP_ERR_WIFI_BASE + 11;
  public static final int ESP_ERR_WIFI_TIMEOUT = ESP_ERR_WIFI_BASE + 12;

  public static final int ESP_ERR_ESP_NETIF_BASE = 0x5000;
  public static final int ESP_ERR_ESP_NETIF_INVALID_PARAMS = ESP_ERR_ESP_NETIF_BASE + 0x01;
  public static final int ESP_ERR_ESP_NETIF_IF_NOT_READY = ESP_ERR_ESP_NETIF_BASE + 0x02;

  private static final Map<Integer, String> NAMES = names();

  /** The code's name, as {@code esp_err_to_name} gives it; {@code UNKNOWN ERROR} otherwise. */
  public static String toName(int code) {
    return NAMES.getOrDefault(code, "UNKNOWN ERROR");
  }

  private static Map<Integer, String> names() {
    var m = new java.util.HashMap<Integer, String>();
    for (var f : EspErr.class.getFields()) {
      if (f.getType() == int.class && !f.getName().endsWith("_BASE")) {
        try {
          m.putIfAbsent(f.getInt(null), f.getName());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Map.copyOf(m);
  }
}
