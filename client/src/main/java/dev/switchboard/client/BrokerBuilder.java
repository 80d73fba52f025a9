package dev.switchboard.client;

import java.util.function.Consumer;

/**
 * The {@code broker} group of {@link MqttClientConfig#builder()}: the address and the verification;
 * it makes a {@link MqttClientConfig.Broker}.
 */
public final class BrokerBuilder {
  String uri;
  String hostname;
  MqttTransport transport;
  String path;
  int port;
  final VerificationBuilder verification = new VerificationBuilder();

  /** {@code scheme://[user[:password]@]host[:port][/path]}; schemes mqtt, mqtts, ws, wss. */
  public BrokerBuilder uri(String uri) {
    this.uri = uri;
    return this;
  }

  public BrokerBuilder hostname(String hostname) {
    this.hostname = hostname;
    return this;
  }

  public BrokerBuilder transport(MqttTransport transport) {
    this.transport = transport;
    return this;
  }

  /** The WebSocket path, {@code /mqtt} by default. */
  public BrokerBuilder path(String path) {
    this.path = path;
    return this;
  }

  public BrokerBuilder port(int port) {
    this.port = port;
    return this;
  }

  public BrokerBuilder verification(Consumer<VerificationBuilder> group) {
    group.accept(verification);
    return this;
  }
}
