package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttTransport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The broker as -L gives it, {@code scheme://[user[:password]@]host[:port][/path]}, taken apart.
 * {@code port} is 0 when the URL has none; {@code path} is null when it has none (or only "/").
 */
record BrokerUrl(
    MqttTransport transport, String host, int port, String path, String user, String password) {

  /** The path of a ws:// or wss:// URL: the WebSocket path (ESP-MQTT's form); null if none. */
  String webSocketPath() {
    return transport.isWebSocket() ? path : null;
  }

  /** The path of an mqtt:// or mqtts:// URL without its '/': the topic, as in mosquitto. */
  String topic() {
    return !transport.isWebSocket() && path != null ? emptyToNull(path.substring(1)) : null;
  }

  /** Takes apart {@code scheme://[user[:password]@]host[:port][/path]}. */
  static BrokerUrl parse(String text) throws UsageError {
    int sep = text.indexOf("://");
    if (sep <= 0) {
      throw new UsageError(
          "Invalid URL for -L argument specified: '"
              + text
              + "' (the form is mqtt://[user[:password]@]host[:port]/topic).");
    }
    String scheme = text.substring(0, sep);
    MqttTransport transport = MqttTransport.ofScheme(scheme);
    if (transport == null) {
      throw new UsageError("unsupported URL scheme '" + scheme + "': use mqtt, mqtts, ws or wss.");
    }
    String rest = text.substring(sep + 3);
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? null : rest.substring(slash);
    String user = null;
    String pass = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String info = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      pass = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    String hostPart = authority;
    String portText = null;
    if (hostPart.startsWith("[")) {
      int end = hostPart.indexOf(']');
      if (end < 0) {
        throw new UsageError("Invalid URL '" + text + "': an IPv6 address lacks its ']'.");
      }
      String after = hostPart.substring(end + 1);
      hostPart = hostPart.substring(1, end);
      if (after.startsWith(":")) {
        portText = after.substring(1);
      } else if (!after.isEmpty()) {
        throw new UsageError("Invalid URL '" + text + "'.");
      }
    } else {
      int colon = hostPart.lastIndexOf(':');
      if (colon >= 0) {
        portText = hostPart.substring(colon + 1);
        hostPart = hostPart.substring(0, colon);
      }
    }
    if (hostPart.isEmpty()) {
      throw new UsageError("Invalid URL '" + text + "': no host.");
    }
    int port = 0;
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new UsageError("Invalid port given in URL '" + text + "': " + portText);
      }
    }
    if (path != null && path.equals("/")) {
      path = null;
    }
    return new BrokerUrl(transport, hostPart, port, path, user, pass);
  }

  /** %XX escapes in a URL's user name and password, so that '@', ':' and '/' can be in them. */
  private static String decode(String s) throws UsageError {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new UsageError("Invalid %-escape in the URL's user name or password.");
        }
        try {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        } catch (NumberFormatException e) {
          throw new UsageError("Invalid %-escape in the URL's user name or password.");
        }
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
