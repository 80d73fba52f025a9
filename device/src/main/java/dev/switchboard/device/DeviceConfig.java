package dev.switchboard.device;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One device: its name, its MAC address (ESP-MQTT's default client id {@code ESP32_xxxxxx} is made
 * from it), its {@code sdkconfig} ({@code CONFIG_*} values, the {@code menuconfig} settings such as
 * the Wi-Fi network to join and the broker's URL) and where its NVS partitions live.
 */
public record DeviceConfig(String name, byte[] mac, Map<String, String> sdkconfig, Path nvsDir) {
  /** Espressif's OUI, the first three bytes of an ESP32's factory MAC. */
  private static final byte[] ESPRESSIF_OUI = {0x24, 0x0A, (byte) 0xC4};

  public DeviceConfig {
    Objects.requireNonNull(name, "name");
    mac = mac == null ? macOf(name) : mac.clone();
    if (mac.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 bytes: " + mac.length);
    }
    sdkconfig = Map.copyOf(sdkconfig);
    Objects.requireNonNull(nvsDir, "nvsDir");
  }

  /** A device with a MAC made from its name, the same on every run. */
  public static DeviceConfig of(String name, Map<String, String> sdkconfig, Path nvsDir) {
    return new DeviceConfig(name, null, sdkconfig, nvsDir);
  }

  @Override
  public byte[] mac() {
    return mac.clone();
  }

  /** {@code 24:0a:c4:12:34:56}. */
  public String macString() {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  /** A {@code CONFIG_*} value, or {@code fallback}. */
  public String config(String key, String fallback) {
    return sdkconfig.getOrDefault(key, fallback);
  }

  /** The device's own directory for its NVS partitions. */
  public Path deviceNvsDir() {
    return nvsDir.resolve(name);
  }

  static byte[] macOf(String name) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return new byte[] {ESPRESSIF_OUI[0], ESPRESSIF_OUI[1], ESPRESSIF_OUI[2], h[0], h[1], h[2]};
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
