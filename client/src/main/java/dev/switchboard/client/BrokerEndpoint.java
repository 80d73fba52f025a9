package dev.switchboard.client;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where and how to connect, resolved from {@code broker.address}: from the URI when there is one
 * (it has precedence, as in ESP-MQTT), else from host, port, transport and path.
 *
 * @param username the user name in the URI, or null
 * @param password the password in the URI, or null
 */
record BrokerEndpoint(
    MqttTransport transport, String host, int port, String path, String username, String password) {

  /** The WebSocket path when none is given; what our broker, EMQX and HiveMQ serve. */
  static final String DEFAULT_WS_PATH = "/mqtt";

  /** The endpoint of an address, or null when it names no broker yet (set one with setUri). */
  static BrokerEndpoint of(MqttClientConfig.Address a) {
    if (a.uri() != null) {
      if (a.transport() != null) {
        throw new MqttConfigException(
            "broker.address: both a uri and a transport are set; the uri's scheme says the"
                + " transport");
      }
      return parse(a.uri());
    }
    if (a.hostname() == null || a.hostname().isBlank()) {
      return null;
    }
    MqttTransport t = a.transport() == null ? MqttTransport.TCP : a.transport();
    return new BrokerEndpoint(
        t, a.hostname(), a.port() == 0 ? t.defaultPort() : a.port(), path(a.path()), null, null);
  }

  /** Parses {@code scheme://[user[:password]@]host[:port][/path]}. */
  static BrokerEndpoint parse(String uri) {
    URI u;
    try {
      u = new URI(uri.trim());
    } catch (URISyntaxException e) {
      throw new MqttConfigException("broker uri '" + uri + "' is not a URI: " + e.getReason());
    }
    if (u.getScheme() == null) {
      throw new MqttConfigException(
          "broker uri '" + uri + "' has no scheme: use mqtt://, mqtts://, ws:// or wss://");
    }
    MqttTransport t = MqttTransport.ofScheme(u.getScheme());
    if (t == null) {
      throw new MqttConfigException(
          "broker uri '"
              + uri
              + "' has scheme '"
              + u.getScheme()
              + "': use mqtt, mqtts, ws or wss");
    }
    String host = u.getHost();
    if (host == null || host.isEmpty()) {
      throw new MqttConfigException("broker uri '" + uri + "' names no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String user = null;
    String password = null;
    if (u.getUserInfo() != null) {
      String info = u.getUserInfo();
      int colon = info.indexOf(':');
      user = colon < 0 ? info : info.substring(0, colon);
      password = colon < 0 ? null : info.substring(colon + 1);
    }
    String rawPath = u.getRawPath();
    if (u.getRawQuery() != null) {
      rawPath = (rawPath == null ? "" : rawPath) + "?" + u.getRawQuery();
    }
    return new BrokerEndpoint(
        t, host, u.getPort() < 0 ? t.defaultPort() : u.getPort(), path(rawPath), user, password);
  }

  private static String path(String p) {
    if (p == null || p.isEmpty()) {
      return DEFAULT_WS_PATH;
    }
    return p.startsWith("/") ? p : "/" + p;
  }

  /** The broker as a URI, without credentials: for messages and WebSocket handshakes. */
  String display() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return transport.scheme() + "://" + h + ":" + port + (transport.isWebSocket() ? path : "");
  }
}
