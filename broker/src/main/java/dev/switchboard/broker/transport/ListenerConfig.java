package dev.switchboard.broker.transport;

import java.util.Objects;

/**
 * One listener: where it binds and what it speaks.
 *
 * @param name what logs, {@link ChannelInfo#LISTENER} and the bound-port map call it ({@code mqtt},
 *     {@code mqtts}, {@code ws}, {@code wss}, or any other unique name)
 * @param kind the transport
 * @param host the address to bind to; null for the broker's {@code bindAddress}
 * @param port the port; 0 for any free port, -1 ({@link #PORT_OFF}) for a listener that is off
 * @param proxyProtocol whether every connection starts with a PROXY protocol v1 or v2 header (from
 *     HAProxy, nginx, a cloud load balancer); a connection without one is refused
 * @param clientAuth whether TLS clients are asked for a certificate (TLS and WSS only)
 * @param wsPath the HTTP path WebSocket clients connect to (WS and WSS only)
 */
public record ListenerConfig(
    String name,
    Kind kind,
    String host,
    int port,
    boolean proxyProtocol,
    ClientAuth clientAuth,
    String wsPath) {

  public static final int PORT_OFF = -1;

  /** The path WebSocket listeners use unless told otherwise. */
  public static final String DEFAULT_WS_PATH = "/mqtt";

  /** What a listener speaks on its socket. */
  public enum Kind {
    /** MQTT over plain TCP. */
    TCP("mqtt"),
    /** MQTT over TLS. */
    TLS("mqtts"),
    /** MQTT over WebSocket. */
    WS("ws"),
    /** MQTT over WebSocket over TLS. */
    WSS("wss");

    private final String scheme;

    Kind(String scheme) {
      this.scheme = scheme;
    }

    /** The URL scheme clients use for it. */
    public String scheme() {
      return scheme;
    }

    public boolean tls() {
      return this == TLS || this == WSS;
    }

    public boolean webSocket() {
      return this == WS || this == WSS;
    }
  }

  /** Whether a TLS listener asks clients for a certificate. */
  public enum ClientAuth {
    /** No client certificates. */
    NONE,
    /** A client may present a certificate; if it does, it must verify against the client CA. */
    OPTIONAL,
    /** Every client must present a certificate that verifies against the client CA. */
    REQUIRE;

    /** {@code none}, {@code optional} or {@code require}; null for anything else. */
    public static ClientAuth parse(String text) {
      for (ClientAuth c : values()) {
        if (c.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
          return c;
        }
      }
      return null;
    }
  }

  public ListenerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
    wsPath = kind.webSocket() && wsPath == null ? DEFAULT_WS_PATH : wsPath;
  }

  /** Plain MQTT on {@code port} of the broker's bind address. */
  public static ListenerConfig tcp(String name, int port) {
    return new ListenerConfig(name, Kind.TCP, null, port, false, ClientAuth.NONE, null);
  }

  /** MQTT over TLS on {@code port} of the broker's bind address. */
  public static ListenerConfig tls(String name, int port) {
    return new ListenerConfig(name, Kind.TLS, null, port, false, ClientAuth.NONE, null);
  }

  /** MQTT over WebSocket on {@code port} of the broker's bind address, path {@code /mqtt}. */
  public static ListenerConfig ws(String name, int port) {
    return new ListenerConfig(name, Kind.WS, null, port, false, ClientAuth.NONE, null);
  }

  /**
   * MQTT over secure WebSocket on {@code port} of the broker's bind address, path {@code /mqtt}.
   */
  public static ListenerConfig wss(String name, int port) {
    return new ListenerConfig(name, Kind.WSS, null, port, false, ClientAuth.NONE, null);
  }

  public ListenerConfig withPort(int newPort) {
    return new ListenerConfig(name, kind, host, newPort, proxyProtocol, clientAuth, wsPath);
  }

  public ListenerConfig withHost(String newHost) {
    return new ListenerConfig(name, kind, newHost, port, proxyProtocol, clientAuth, wsPath);
  }

  public ListenerConfig withProxyProtocol(boolean on) {
    return new ListenerConfig(name, kind, host, port, on, clientAuth, wsPath);
  }

  public ListenerConfig withClientAuth(ClientAuth auth) {
    return new ListenerConfig(name, kind, host, port, proxyProtocol, auth, wsPath);
  }

  public ListenerConfig withWsPath(String path) {
    return new ListenerConfig(name, kind, host, port, proxyProtocol, clientAuth, path);
  }

  public boolean enabled() {
    return port != PORT_OFF;
  }

  /**
   * Checks the values that do not depend on other settings; throws IllegalArgumentException naming
   * the setting as {@code listeners.NAME.KEY}.
   */
  public void validate() {
    String key = "listeners." + name;
    if (name.isBlank()) {
      throw new IllegalArgumentException("a listener needs a name");
    }
    if (port < PORT_OFF || port > 65535) {
      throw new IllegalArgumentException(
          key + ".port must be a port from 0 to 65535 or off, not " + port);
    }
    if (clientAuth != ClientAuth.NONE && !kind.tls()) {
      throw new IllegalArgumentException(
          key + ".client-auth applies to TLS listeners only, and " + name + " is " + kind);
    }
    if (kind.webSocket()
        && (wsPath.isEmpty()
            || wsPath.charAt(0) != '/'
            || wsPath.indexOf('?') >= 0
            || wsPath.chars().anyMatch(c -> c <= ' ' || c >= 0x7f))) {
      throw new IllegalArgumentException(
          key + ".path must be an HTTP path starting with /, not \"" + wsPath + "\"");
    }
  }
}
