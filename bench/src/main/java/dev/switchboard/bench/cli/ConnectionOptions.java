package dev.switchboard.bench.cli;

import dev.switchboard.bench.ClientOptions;
import dev.switchboard.bench.Endpoint;
import dev.switchboard.mqtt.MqttVersion;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where and how every {@code bench} command connects. */
public final class ConnectionOptions {
  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Broker host (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Broker port (default: 1883, or the url's).")
  Integer port;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "mqtt://HOST:PORT, mqtts://, ws://HOST:PORT/PATH or wss:// (instead of --host/--port).")
  String url;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description = "Username; %%c in it stands for each client's own id.")
  String username;

  @Option(
      names = {"-P", "--password"},
      paramLabel = "PASS",
      description = "Password.")
  String password;

  @Mixin GeneratorOptions generator;

  @Option(
      names = "--ifaddr",
      paramLabel = "ADDR[,ADDR...]",
      split = ",",
      description =
          "Local addresses to connect from, in turn: more than one address's worth of ports.")
  List<String> sourceAddresses = new ArrayList<>();

  @Option(names = "--insecure", description = "TLS: accept any server certificate.")
  boolean insecure;

  @Option(names = "--cafile", paramLabel = "FILE", description = "TLS: PEM certificates to trust.")
  Path caFile;

  @Option(
      names = {"-k", "--keepalive"},
      paramLabel = "SECONDS",
      description = "Keep alive (default: ${DEFAULT-VALUE}).")
  int keepAlive = 300;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Client id prefix (default: bench-XXXX- with a random XXXX).")
  String prefix;

  public Endpoint endpoint() {
    if (url != null) {
      Endpoint e = Endpoint.parse(url);
      return port == null ? e : new Endpoint(e.host(), port, e.tls(), e.webSocket(), e.path());
    }
    return Endpoint.tcp(host, port == null ? 1883 : port);
  }

  public ClientOptions clientOptions() {
    MqttVersion v = generator.version();
    List<InetAddress> sources = new ArrayList<>();
    for (String a : sourceAddresses) {
      try {
        sources.add(InetAddress.getByName(a.trim()));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("--ifaddr " + a + ": not an address");
      }
    }
    generator.threads(); // checked with the rest, before anything starts
    String p =
        prefix != null
            ? prefix
            : String.format("bench-%04x-", ThreadLocalRandom.current().nextInt(0x10000));
    return new ClientOptions(username, password, v, p, keepAlive, sources, insecure, caFile);
  }

  public int threads() {
    return generator.threads();
  }
}
