package dev.switchboard.client;

/** How the client reaches the broker: ESP-MQTT's {@code esp_mqtt_transport_t}. */
public enum MqttTransport {
  /** MQTT over TCP, scheme {@code mqtt}, default port 1883. */
  TCP("mqtt", 1883, false, false),
  /** MQTT over TLS, scheme {@code mqtts}, default port 8883. */
  SSL("mqtts", 8883, true, false),
  /** MQTT over WebSocket, scheme {@code ws}, default port 80. */
  WS("ws", 80, false, true),
  /** MQTT over WebSocket over TLS, scheme {@code wss}, default port 443. */
  WSS("wss", 443, true, true);

  private final String scheme;
  private final int defaultPort;
  private final boolean tls;
  private final boolean webSocket;

  MqttTransport(String scheme, int defaultPort, boolean tls, boolean webSocket) {
    this.scheme = scheme;
    this.defaultPort = defaultPort;
    this.tls = tls;
    this.webSocket = webSocket;
  }

  public String scheme() {
    return scheme;
  }

  public int defaultPort() {
    return defaultPort;
  }

  public boolean isTls() {
    return tls;
  }

  public boolean isWebSocket() {
    return webSocket;
  }

  /** The transport of a URI scheme (case-insensitive), or null for an unknown one. */
  public static MqttTransport ofScheme(String scheme) {
    for (MqttTransport t : values()) {
      if (t.scheme.equalsIgnoreCase(scheme)) {
        return t;
      }
    }
    return null;
  }
}
