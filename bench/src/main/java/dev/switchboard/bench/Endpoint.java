package dev.switchboard.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where the generator connects: host, port and transport. Built from {@code --url} (schemes mqtt,
 * mqtts, ws, wss, as ESP-MQTT writes them) or from {@code --host}/{@code --port}.
 *
 * @param tls TLS on the connection (mqtts, wss)
 * @param webSocket MQTT inside WebSocket binary frames (ws, wss)
 * @param path the WebSocket path, {@code /mqtt} unless the url names one
 */
public record Endpoint(String host, int port, boolean tls, boolean webSocket, String path) {

  public Endpoint {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the host is empty");
    }
  }

  public static Endpoint tcp(String host, int port) {
    return new Endpoint(host, port, false, false, "/mqtt");
  }

  /**
   * Parses {@code mqtt://host:port}, {@code mqtts://}, {@code ws://host:port/path}, {@code wss://}.
   */
  public static Endpoint parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad url '" + url + "': " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls;
    boolean ws;
    int defaultPort;
    switch (scheme) {
      case "mqtt", "tcp" -> {
        tls = false;
        ws = false;
        defaultPort = 1883;
      }
      case "mqtts", "ssl" -> {
        tls = true;
        ws = false;
        defaultPort = 8883;
      }
      case "ws" -> {
        tls = false;
        ws = true;
        defaultPort = 8083;
      }
      case "wss" -> {
        tls = true;
        ws = true;
        defaultPort = 8084;
      }
      default ->
          throw new IllegalArgumentException(
              "bad url '" + url + "': the scheme must be mqtt, mqtts, ws or wss");
    }
    if (uri.getHost() == null) {
      // java.net.URI falls back to a registry-based authority when the host or port is malformed
      // (mqtt://host:abc); parsing it as a server authority says what is wrong with it.
      String why = "no host";
      try {
        uri.parseServerAuthority();
      } catch (URISyntaxException e) {
        why = e.getReason().toLowerCase(Locale.ROOT);
      }
      throw new IllegalArgumentException("bad url '" + url + "': " + why);
    }
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/mqtt" : uri.getRawPath();
    try {
      return new Endpoint(
          uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort(), tls, ws, path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad url '" + url + "': " + e.getMessage());
    }
  }

  public String url() {
    String scheme = webSocket ? (tls ? "wss" : "ws") : (tls ? "mqtts" : "mqtt");
    return scheme + "://" + host + ":" + port + (webSocket ? path : "");
  }
}
