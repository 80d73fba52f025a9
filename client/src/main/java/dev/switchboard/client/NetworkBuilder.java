package dev.switchboard.client;

import java.time.Duration;

/**
 * The {@code network} group of {@link MqttClientConfig#builder()}: timeouts and reconnecting; it
 * makes a {@link MqttClientConfig.Network}.
 */
public final class NetworkBuilder {
  Duration reconnectTimeout = Duration.ofSeconds(10);
  Duration timeout = Duration.ofSeconds(10);
  Duration refreshConnectionAfter = Duration.ZERO;
  boolean disableAutoReconnect;

  public NetworkBuilder reconnectTimeout(Duration timeout) {
    this.reconnectTimeout = timeout;
    return this;
  }

  /** How long connecting (TCP, TLS, WebSocket, CONNACK) may take. */
  public NetworkBuilder timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** End the connection and open a new one after this long; zero for never. */
  public NetworkBuilder refreshConnectionAfter(Duration period) {
    this.refreshConnectionAfter = period;
    return this;
  }

  public NetworkBuilder disableAutoReconnect(boolean on) {
    this.disableAutoReconnect = on;
    return this;
  }
}
