package dev.switchboard.client;

import java.net.NetworkInterface;
import java.util.Collections;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ESP-MQTT's default client id: {@code ESP32_} and the last three bytes of the MAC address, in
 * ESP-MQTT's own format ({@code "ESP32_%02x%02X%02X"}: the first byte in lower case).
 */
final class DeviceMac {
  private DeviceMac() {}

  static String defaultClientId(byte[] mac) {
    byte[] m = mac != null ? mac : Host.MAC;
    return String.format("ESP32_%02x%02X%02X", m[3] & 0xFF, m[4] & 0xFF, m[5] & 0xFF);
  }

  /** This machine's first hardware address; made up (locally administered) when there is none. */
  private static final class Host {
    static final byte[] MAC = find();

    private static byte[] find() {
      try {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          byte[] a = n.isLoopback() ? null : n.getHardwareAddress();
          if (a != null && a.length == 6) {
            return a;
          }
        }
      } catch (Exception e) {
        // fall through to a made-up address
      }
      byte[] a = new byte[6];
      ThreadLocalRandom.current().nextBytes(a);
      a[0] = (byte) ((a[0] & 0xFC) | 0x02);
      return a;
    }
  }
}
