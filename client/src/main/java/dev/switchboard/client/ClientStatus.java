package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;

/**
 * Where a client is and what it connects with, read by every flow: its state, the configuration
 * applied, the broker's limits from the last CONNACK and the client id of the connection. Guarded
 * by the client's lock. The configuration is also read without it where an update racing with the
 * read does no harm (the protocol version of an event, the id in a log line, how long a publish
 * waits for a full send buffer), hence volatile.
 */
final class ClientStatus {
  private volatile AppliedConfig applied;
  private MqttClientState state = MqttClientState.INIT;
  private ServerLimits limits = ServerLimits.DEFAULT;
  private String connectedClientId;

  ClientStatus(AppliedConfig applied) {
    this.applied = applied;
  }

  AppliedConfig applied() {
    return applied;
  }

  void apply(AppliedConfig applied) {
    this.applied = applied;
  }

  MqttClientConfig config() {
    return applied.config();
  }

  MqttVersion version() {
    return applied.version();
  }

  boolean isV5() {
    return applied.isV5();
  }

  MqttClientState state() {
    return state;
  }

  void state(MqttClientState state) {
    this.state = state;
  }

  boolean is(MqttClientState s) {
    return state == s;
  }

  ServerLimits limits() {
    return limits;
  }

  void limits(ServerLimits limits) {
    this.limits = limits;
  }

  /** The client id of the current or last connection, else the configured one. */
  String clientId() {
    return connectedClientId != null ? connectedClientId : applied.configuredClientId();
  }

  void connectedClientId(String id) {
    this.connectedClientId = id;
  }

  /** The client id for thread names and log lines. */
  String displayId() {
    String id = clientId();
    return id.isEmpty() ? "(no id)" : id;
  }

  void requireNotDestroyed() {
    if (state == MqttClientState.DESTROYED) {
      throw new IllegalStateException("the client has been destroyed");
    }
  }
}
