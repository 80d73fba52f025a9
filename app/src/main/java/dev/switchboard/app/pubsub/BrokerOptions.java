package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttTransport;
import picocli.CommandLine.Option;

/** The flags of pub and sub that say where the broker is (-h, -p, -L) and how to reach it. */
final class BrokerOptions {
  @Option(
      names = {"-h", "--host"},
      paramLabel = "HOST",
      description = "The broker's host (default localhost).")
  String host;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "The broker's port (default 1883; 8883 with TLS).")
  Integer port;

  @Option(
      names = {"-L", "--url"},
      paramLabel = "URL",
      description = {
        "The broker as a URL: mqtt://[USER[:PASSWORD]@]HOST[:PORT][/TOPIC], also mqtts://"
            + " (TLS), ws:// and wss:// (WebSocket, ESP-MQTT's form: the path is the WebSocket"
            + " path, /mqtt if none). For mqtt:// and mqtts:// the path is the topic, as in"
            + " mosquitto. -h, -p, -u and -P override what the URL says."
      })
  String url;

  /** Where to connect: the broker's address, and its WebSocket path for ws:// and wss://. */
  record Endpoint(MqttTransport transport, String host, int port, String webSocketPath) {

    /** The broker as a URL, for -d's "connecting to" line. */
    String describe() {
      return transport.scheme()
          + "://"
          + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
          + ":"
          + port
          + (transport.isWebSocket() ? (webSocketPath == null ? "/mqtt" : webSocketPath) : "");
    }
  }

  void checkPort() throws UsageError {
    if (port != null && (port < 1 || port > 65535)) {
      throw new UsageError("Invalid port given: " + port);
    }
  }

  /** -L taken apart; null without -L. */
  BrokerUrl url() throws UsageError {
    return url == null ? null : BrokerUrl.parse(url);
  }

  /**
   * The URL's transport; else TLS when {@code tlsTrust} (--cafile, --capath or --tls-use-os-certs
   * is given), or the port is 8883; else TCP.
   */
  MqttTransport transport(BrokerUrl parsed, boolean tlsTrust) throws UsageError {
    if (parsed != null) {
      MqttTransport transport = parsed.transport();
      if (tlsTrust && !transport.isTls()) {
        throw new UsageError(
            "--cafile, --capath and --tls-use-os-certs need TLS, but the URL says "
                + transport.scheme()
                + "://; use mqtts:// or wss://.");
      }
      return transport;
    }
    if (tlsTrust) {
      return MqttTransport.SSL;
    }
    // mosquitto: port 8883 without certificate options means TLS with the system's CAs.
    return port != null && port == 8883 ? MqttTransport.SSL : MqttTransport.TCP;
  }

  /** -h and -p, else what the URL says, else localhost and the transport's default port. */
  Endpoint endpoint(BrokerUrl parsed, MqttTransport transport) {
    String brokerHost = host != null ? host : parsed != null ? parsed.host() : "localhost";
    int brokerPort =
        port != null
            ? port
            : parsed != null && parsed.port() > 0 ? parsed.port() : transport.defaultPort();
    return new Endpoint(
        transport, brokerHost, brokerPort, parsed == null ? null : parsed.webSocketPath());
  }
}
