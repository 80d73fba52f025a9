package dev.switchboard.client;

/** What a connection attempt has reached, for the error that says where it failed. */
final class Connecting {
  final int generation;
  final BrokerEndpoint endpoint;
  volatile boolean tcpUp;

  Connecting(int generation, BrokerEndpoint endpoint) {
    this.generation = generation;
    this.endpoint = endpoint;
  }

  String phase() {
    if (!tcpUp) {
      return "TCP connection";
    }
    if (endpoint.transport().isTls()) {
      return endpoint.transport().isWebSocket() ? "TLS or WebSocket handshake" : "TLS handshake";
    }
    return endpoint.transport().isWebSocket() ? "WebSocket handshake" : "CONNACK";
  }
}
