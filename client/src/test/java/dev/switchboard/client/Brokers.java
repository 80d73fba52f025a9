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
import org.junit.jupiter.api.Assumptions;

/**
 * The brokers the client is tested against: ours in this JVM with all four listeners, and Debian's
 * mosquitto (TCP, TLS, WebSocket) in a child process, both with a server certificate from a test CA
 * made here. When mosquitto is not installed, its targets are still listed, without a URI, and a
 * test on one is skipped by {@link Target#assumeAvailable()} with the reason, so the report shows
 * what did not run and why.
 */
final class Brokers implements AutoCloseable {
  /**
   * One broker and one transport: a URI the client connects to.
   *
   * @param skipReason why this broker cannot be tested here, null when it can
   */
  record Target(String broker, MqttTransport transport, String uri, String skipReason) {
    Target(String broker, MqttTransport transport, String uri) {
      this(broker, transport, uri, null);
    }

    /** Skips the calling test, saying why, when this target's broker is not there. */
    void assumeAvailable() {
      Assumptions.assumeTrue(skipReason == null, () -> this + " skipped: " + skipReason);
    }

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
    mosquitto =
        MosquittoBroker.available()
            ? MosquittoBroker.builder().tls(pki, server).websockets().start()
            : null;
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
    } else {
      String why = MosquittoBroker.skipReason().orElse("mosquitto is not available");
      for (MqttTransport transport :
          List.of(MqttTransport.TCP, MqttTransport.SSL, MqttTransport.WS)) {
        t.add(new Target("mosquitto", transport, null, why));
      }
    }
    return t;
  }

  /**
   * A configuration for {@code target}, with the test CA when it is TLS. A test that forgot {@link
   * Target#assumeAvailable()} is skipped here all the same.
   */
  MqttClientConfig.Builder config(Target target, String clientId) {
    target.assumeAvailable();
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
