package dev.switchboard.client;

/**
 * The network a client's connections go over, as a device sees it: whether the device can reach the
 * broker now, and its open connections, so that a lost link closes them (no DISCONNECT: the broker
 * sees the connection end and publishes the will, as when a chip loses its Wi-Fi). The client's own
 * reconnect logic brings it back once the link is up. Passed to {@link
 * MqttClient#init(MqttClientConfig, MqttClientNetwork, MqttEventLoop, MqttLink)} by a device
 * runtime; a plain client has none.
 */
public interface MqttLink {
  /**
   * Whether a connection may be opened now; when not, the attempt fails at once as on a host
   * without a route (ERROR, TCP_TRANSPORT, errno 113).
   */
  boolean isUp();

  /** A connection was opened over this link. */
  void opened(Connection connection);

  /** One open connection. */
  interface Connection {
    boolean isOpen();

    /** Closes the socket without a DISCONNECT, as a lost link does. */
    void drop();
  }
}
