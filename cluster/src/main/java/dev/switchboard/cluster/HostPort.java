package dev.switchboard.cluster;

import java.util.Objects;

/**
 * A node's cluster address as a user writes it: {@code host:port}, {@code [v6]:port} for an IPv6
 * address.
 *
 * @param host a host name or address, without brackets
 * @param port from 1 to 65535
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("has no host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, not " + port);
    }
  }

  /**
   * Reads {@code host:port}.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static HostPort parse(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("\"" + text + "\" is not host:port");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not host:port (write an IPv6 address as [addr]:port)");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" has no port number");
    }
    try {
      return new HostPort(host, port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + text + "\": " + e.getMessage());
    }
  }

  /** As Pekko writes a host in an address: IPv6 in brackets. */
  String pekkoHost() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return pekkoHost() + ":" + port;
  }
}
