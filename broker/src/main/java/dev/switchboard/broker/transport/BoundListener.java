package dev.switchboard.broker.transport;

import java.net.InetSocketAddress;

/**
 * A listener and the address it is bound to.
 *
 * @param config the listener as configured (its port may be 0)
 * @param address where it listens
 */
public record BoundListener(ListenerConfig config, InetSocketAddress address) {

  public String name() {
    return config.name();
  }

  public int port() {
    return address.getPort();
  }

  /**
   * The URL clients use: {@code mqtt://HOST:PORT}, {@code mqtts://}, {@code ws://HOST:PORT/PATH}.
   */
  public String url() {
    // A listener on every interface (a dual-stack socket reports "::" even for 0.0.0.0) is
    // written as 0.0.0.0, which is what was asked for
    String host = address.getAddress().isAnyLocalAddress() ? "0.0.0.0" : address.getHostString();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    String base = config.kind().scheme() + "://" + host + ":" + address.getPort();
    return config.kind().webSocket() ? base + config.wsPath() : base;
  }
}
