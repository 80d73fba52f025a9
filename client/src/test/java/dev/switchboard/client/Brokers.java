package dev.switchboard.client;

import dev.switchboard.broker.testing.MosquittoBroker;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The brokers the client is tested against: ours in this JVM with all four listeners, and Debian's
 * mosquitto (TCP, TLS, WebSocket) in a child process, both with a server certificate from a test CA
 * made here. Mosquitto is left out, saying why, when it is not installed.
 */
final class Brokers implements AutoCloseable {
  /** One broker and one transport: a URI the client connects to. */
  record Target(String broker, MqttTransport transport, String uri) {
    @Override
    public String toString() {
      return broker + " " + transport.scheme();
    }
  }

  final TestPki pki;
  final String caPem;
  final TestBroker ours;
  final MosquittoBroker mosquitto;

  Brokers(Path dir) throws Exception {
    pki = TestPki.create(dir, "client-ca");
    TestPki.Issued server = pki.server("server", "127.0.0.1", "localhost");
    caPem = Files.readString(pki.caFile());
    ours =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withListener(ListenerConfig.ws("ws", 0))
                    .withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.files(server.certificateFile(), server.keyFile())));
    if (MosquittoBroker.available()) {
      mosquitto = MosquittoBroker.builder().tls(pki, server).websockets().start();
    } else {
      System.out.println("mosquitto tests skipped: " + MosquittoBroker.skipReason().orElse(""));
      mosquitto = null;
    }
  }

  List<Target> targets() {
    List<Target> t = new ArrayList<>();
    var b = ours.broker();
    t.add(new Target("switchboard", MqttTransport.TCP, "mqtt://127.0.0.1:" + b.port("mqtt")));
    t.add(new Target("switchboard", MqttTransport.SSL, "mqtts://127.0.0.1:" + b.port("mqtts")));
    t.add(new Target("switchboard", MqttTransport.WS, "ws://127.0.0.1:" + b.port("ws") + "/mqtt"));
    t.add(
        new Target("switchboard", MqttTransport.WSS, "wss://127.0.0.1:" + b.port("wss") + "/mqtt"));
    if (mosquitto != null) {
      t.add(new Target("mosquitto", MqttTransport.TCP, "mqtt://127.0.0.1:" + mosquitto.port()));
      t.add(new Target("mosquitto", MqttTransport.SSL, "mqtts://127.0.0.1:" + mosquitto.tlsPort()));
      t.add(
          new Target(
              "mosquitto", MqttTransport.WS, "ws://127.0.0.1:" + mosquitto.wsPort() + "/mqtt"));
    }
    return t;
  }

  /** A configuration for {@code target}, with the test CA when it is TLS. */
  MqttClientConfig.Builder config(Target target, String clientId) {
    MqttClientConfig.Builder b =
        MqttClientConfig.builder()
            .broker(
                br -> {
                  br.uri(target.uri());
                  if (target.transport().isTls()) {
                    br.verification(v -> v.certificate(caPem));
                  }
                })
            .credentials(c -> c.clientId(clientId))
            .network(n -> n.timeout(java.time.Duration.ofSeconds(10)));
    return b;
  }

  @Override
  public void close() {
    if (mosquitto != null) {
      mosquitto.close();
    }
    ours.close();
  }
}
