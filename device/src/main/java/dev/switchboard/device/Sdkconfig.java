package dev.switchboard.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device configuration file in ESP-IDF's {@code sdkconfig} form, what {@code idf.py menuconfig}
 * writes: {@code CONFIG_NAME=value} lines, strings in double quotes, {@code #} comments.
 *
 * <pre>
 * CONFIG_EXAMPLE_WIFI_SSID="lab"
 * CONFIG_EXAMPLE_WIFI_PASSWORD="esp32-lab"
 * CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY=6
 * CONFIG_BROKER_URL="mqtt://127.0.0.1:1883"
 * </pre>
 */
public final class Sdkconfig {
  private Sdkconfig() {}

  /** The Wi-Fi network every device joins unless configured otherwise. */
  public static final String DEFAULT_SSID = "switchboard";

  public static final String DEFAULT_WIFI_PASSWORD = "switchboard";

  /** The defaults: the Wi-Fi network above, 6 retries. */
  public static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CONFIG_EXAMPLE_WIFI_SSID", DEFAULT_SSID);
    m.put("CONFIG_EXAMPLE_WIFI_PASSWORD", DEFAULT_WIFI_PASSWORD);
    m.put("CONFIG_EXAMPLE_WIFI_CONN_MAX_RETRY", "6");
    return m;
  }

  /**
   * Reads a file.
   *
   * @throws IllegalArgumentException naming the line that is not {@code CONFIG_NAME=value}
   */
  public static Map<String, String> read(Path file) throws IOException {
    return parse(Files.readAllLines(file), file.toString());
  }

  static Map<String, String> parse(List<String> lines, String source) {
    Map<String, String> m = new LinkedHashMap<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || !line.startsWith("CONFIG_")) {
        throw new IllegalArgumentException(
            source + " line " + n + ": expected CONFIG_NAME=value, got: " + line);
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
      }
      m.put(key, value);
    }
    return m;
  }
}
