package dev.switchboard.broker.transport;

import static dev.switchboard.broker.transport.TransportTestSupport.CONNACK_ACCEPTED;
import static dev.switchboard.broker.transport.TransportTestSupport.PINGREQ;
import static dev.switchboard.broker.transport.TransportTestSupport.PINGRESP;
import static dev.switchboard.broker.transport.TransportTestSupport.TIMEOUT;
import static dev.switchboard.broker.transport.TransportTestSupport.closedByPeer;
import static dev.switchboard.broker.transport.TransportTestSupport.connect;
import static dev.switchboard.broker.transport.TransportTestSupport.eventually;
import static dev.switchboard.broker.transport.TransportTestSupport.onPath;
import static dev.switchboard.broker.transport.TransportTestSupport.read;
import static dev.switchboard.broker.transport.TransportTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.TransportTestSupport.CapturingAuthenticator;
import dev.switchboard.broker.transport.TransportTestSupport.Result;
import io.netty.handler.ssl.OpenSsl;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT over TLS with real clients (HiveMQ client, Paho, mosquitto_pub/sub) against certificates a
 * test CA issues: what verifying clients accept and refuse, TLS versions, and handshakes that fail
 * or stall without disturbing anyone else.
 */
@DisplayName("Transport: MQTT over TLS")
class TlsListenerTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki.Issued server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    pki = TestPki.create(dir, "tls");
    server = pki.server("server", "localhost", "127.0.0.1");
  }

  static void assumeProvider(TlsConfig.Provider provider) {
    if (provider == TlsConfig.Provider.OPENSSL) {
      Assumptions.assumeTrue(
          OpenSsl.isAvailable(), "OpenSSL is not available: " + OpenSsl.unavailabilityCause());
    }
  }

  /** A broker with plain MQTT and MQTTS ({@code mqtts}) serving {@code certificate}. */
  static TestBroker broker(
      TestPki.Issued certificate,
      TlsConfig.Provider provider,
      UnaryOperator<dev.switchboard.broker.config.BrokerConfig> more,
      CapturingAuthenticator auth) {
    TlsConfig tls =
        TlsConfig.files(certificate.certificateFile(), certificate.keyFile())
            .withProvider(provider);
    UnaryOperator<dev.switchboard.broker.config.BrokerConfig> config =
        c -> more.apply(c.withListener(ListenerConfig.tls("mqtts", 0)).withTls(tls));
    return auth == null ? TestBroker.start(config) : TestBroker.start(config, auth);
  }

  static Mqtt5BlockingClient hiveMq(int port, TestPki trusting, String host) throws Exception {
    return MqttClient.builder()
        .useMqttVersion5()
        .identifier(unique("hive"))
        .serverHost(host)
        .serverPort(port)
        .sslConfig()
        .trustManagerFactory(trusting.trustManagers())
        .applySslConfig()
        .buildBlocking();
  }

  /** A TLS socket that verifies the host name, as MQTT clients should. */
  static SSLSocket tlsSocket(SSLContext context, String host, int port) throws Exception {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(host, port);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(p);
    s.setSoTimeout((int) TIMEOUT.toMillis());
    return s;
  }

  // ---------------------------------------------------------------- real clients

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  @DisplayName("HiveMQ client: publish and subscribe over TLS; the identity names the listener")
  void hiveMqRoundTrip(TlsConfig.Provider provider) throws Exception {
    assumeProvider(provider);
    CapturingAuthenticator auth = new CapturingAuthenticator();
    try (TestBroker b = broker(server, provider, c -> c, auth)) {
      Mqtt5BlockingClient client = hiveMq(b.broker().port("mqtts"), pki, "localhost");
      List<String> got = new CopyOnWriteArrayList<>();
      client.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> got.add(text(p)));
      client.connect();
      try {
        client.subscribeWith().topicFilter("tls/rt").qos(MqttQos.AT_LEAST_ONCE).send();
        client
            .publishWith()
            .topic("tls/rt")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload("over tls".getBytes(StandardCharsets.UTF_8))
            .send();
        eventually().until(() -> got.contains("over tls"));
      } finally {
        client.disconnect();
      }
      ClientIdentity who = auth.identities.get(0);
      assertThat(who.listener()).isEqualTo("mqtts");
      assertThat(who.certificates()).as("no client certificate asked for").isEmpty();
      assertThat(b.broker().tlsCertificate().orElseThrow().sha256Fingerprint())
          .isEqualTo(server.fingerprint());
    }
  }

  @Test
  @DisplayName("Paho (Java) over ssl:// with the test CA")
  void pahoOverSsl() throws Exception {
    try (TestBroker b = broker(server, TlsConfig.Provider.AUTO, c -> c, null)) {
      var client =
          new org.eclipse.paho.client.mqttv3.MqttClient(
              "ssl://localhost:" + b.broker().port("mqtts"),
              unique("paho"),
              new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setSocketFactory(pki.clientContext(null).getSocketFactory());
      o.setHttpsHostnameVerificationEnabled(true);
      List<String> got = new CopyOnWriteArrayList<>();
      client.connect(o);
      try {
        client.subscribe("tls/paho", 1, (t, m) -> got.add(new String(m.getPayload())));
        client.publish("tls/paho", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
        eventually().until(() -> got.contains("hello"));
      } finally {
        client.disconnect();
        client.close();
      }
    }
  }

  @Test
  @DisplayName("mosquitto_pub and mosquitto_sub with --cafile")
  void mosquittoClients() throws Exception {
    var pub = onPath("mosquitto_pub");
    var sub = onPath("mosquitto_sub");
    if (pub.isEmpty() || sub.isEmpty()) {
      System.out.println(
          "SKIPPED: mosquitto_pub/mosquitto_sub are not on PATH (mosquitto-clients)");
      Assumptions.abort("mosquitto-clients is not installed");
    }
    try (TestBroker b = broker(server, TlsConfig.Provider.AUTO, c -> c, null)) {
      String port = String.valueOf(b.broker().port("mqtts"));
      String topic = "tls/mosquitto/" + unique("t");
      Result published =
          TransportTestSupport.run(
              List.of(
                  pub.get().toString(),
                  "-h",
                  "localhost",
                  "-p",
                  port,
                  "--cafile",
                  pki.caFile().toString(),
                  "-t",
                  topic,
                  "-m",
                  "from mosquitto_pub",
                  "-q",
                  "1",
                  "-r"),
              TIMEOUT);
      assertThat(published.exit()).as(published.describe()).isZero();
      // the retained message: no race between the subscriber and the publisher
      Result received =
          TransportTestSupport.run(
              List.of(
                  sub.get().toString(),
                  "-h",
                  "localhost",
                  "-p",
                  port,
                  "--cafile",
                  pki.caFile().toString(),
                  "-t",
                  topic,
                  "-C",
                  "1",
                  "-W",
                  "10"),
              TIMEOUT);
      assertThat(received.exit()).as(received.describe()).isZero();
      assertThat(received.stdout().strip()).isEqualTo("from mosquitto_pub");
    }
  }

  // ---------------------------------------------------------------- what clients refuse

  @Test
  @DisplayName("an expired server certificate is refused by the client, and counted")
  void expiredServerCertificate() throws Exception {
    Instant now = Instant.now();
    TestPki.Issued expired =
        pki.server(
            "expired",
            now.minus(Duration.ofDays(30)),
            now.minus(Duration.ofDays(1)),
            "localhost",
            "127.0.0.1");
    try (TestBroker b = broker(expired, TlsConfig.Provider.AUTO, c -> c, null)) {
      Mqtt5BlockingClient client = hiveMq(b.broker().port("mqtts"), pki, "localhost");
      assertThatThrownBy(client::connect).hasStackTraceContaining("xpired");
      eventually().until(() -> b.broker().metrics().tlsHandshakeFailures.sum() >= 1);
    }
  }

  @Test
  @DisplayName("a certificate for another host is refused by a client that verifies host names")
  void wrongHostName() throws Exception {
    TestPki.Issued elsewhere = pki.server("elsewhere", "elsewhere.example");
    try (TestBroker b = broker(elsewhere, TlsConfig.Provider.AUTO, c -> c, null)) {
      int port = b.broker().port("mqtts");
      Mqtt5BlockingClient client = hiveMq(port, pki, "localhost");
      assertThatThrownBy(client::connect).isNotNull();

      eventually().until(() -> b.broker().metrics().tlsHandshakeFailures.sum() >= 1);

      // the same certificate without the host name check: it is the name that was refused
      try (SSLSocket lax =
          (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket("localhost", port)) {
        lax.getOutputStream().write(connect(unique("lax")));
        assertThat(read(lax, 4)).containsExactly(CONNACK_ACCEPTED);
      }
    }
  }

  // ---------------------------------------------------------------- versions

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  @DisplayName("TLS 1.2 and 1.3 are accepted; a TLS 1.1 ClientHello gets no ServerHello")
  void tlsVersions(TlsConfig.Provider provider) throws Exception {
    assumeProvider(provider);
    try (TestBroker b = broker(server, provider, c -> c, null)) {
      int port = b.broker().port("mqtts");
      for (String version : List.of("TLSv1.2", "TLSv1.3")) {
        try (SSLSocket s = tlsSocket(pki.clientContext(null), "localhost", port)) {
          s.setEnabledProtocols(new String[] {version});
          s.startHandshake();
          assertThat(s.getSession().getProtocol()).isEqualTo(version);
          s.getOutputStream().write(connect(unique("v")));
          assertThat(read(s, 4)).containsExactly(CONNACK_ACCEPTED);
        }
      }
      // The JDK client will not even offer TLS 1.1 any more: the ClientHello is written by hand
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write(clientHello(0x0302));
        byte[] answer = read(s, 1);
        assertThat(answer).as("a ServerHello record would start with 0x16").doesNotContain(0x16);
        assertThat(closedByPeer(s)).isTrue();
      }
      eventually().until(() -> b.broker().metrics().tlsHandshakeFailures.sum() >= 1);
    }
  }

  /**
   * A minimal ClientHello of {@code version} (0x0302 is TLS 1.1) offering CBC suites of that time,
   * without the supported_versions extension, as a TLS 1.1 client sends it.
   */
  static byte[] clientHello(int version) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(version >> 8);
    body.write(version & 0xff);
    body.writeBytes(new byte[32]); // random
    body.write(0); // no session id
    byte[] suites = {(byte) 0xc0, 0x13, (byte) 0xc0, 0x09, 0x00, 0x2f, 0x00, 0x35};
    body.write(0);
    body.write(suites.length);
    body.writeBytes(suites);
    body.write(1); // compression methods: null
    body.write(0);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.writeBytes(new byte[] {0x16, 0x03, 0x01});
    int handshakeLength = b.length + 4;
    record.write(handshakeLength >> 8);
    record.write(handshakeLength & 0xff);
    record.write(0x01); // ClientHello
    record.write(0);
    record.write(b.length >> 8);
    record.write(b.length & 0xff);
    record.writeBytes(b);
    return record.toByteArray();
  }

  // ---------------------------------------------------------------- bad and stalled handshakes

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  @DisplayName("stalled handshakes are closed by the handshake timeout while another client works")
  void stalledHandshakes(TlsConfig.Provider provider) throws Exception {
    assumeProvider(provider);
    // The connect timeout is far away: only the handshake timeout can close the stalled ones
    try (TestBroker b =
        broker(
            server,
            provider,
            c ->
                c.withKeepAlive(65535, Duration.ofMinutes(5))
                    // long enough for the good client's handshake on a loaded machine (300 ms
                    // once closed it under a full CI load), short beside the 15 s the test waits
                    .withTls(c.tls().withHandshakeTimeout(Duration.ofMillis(1500))),
            null)) {
      int port = b.broker().port("mqtts");
      try (Socket silent = new Socket("127.0.0.1", port);
          Socket half = new Socket("127.0.0.1", port)) {
        byte[] hello = clientHello(0x0303);
        half.getOutputStream().write(hello, 0, hello.length / 2);
        half.getOutputStream().flush();

        // meanwhile a real client connects and talks
        try (SSLSocket good = tlsSocket(pki.clientContext(null), "localhost", port)) {
          good.getOutputStream().write(connect(unique("good")));
          assertThat(read(good, 4)).containsExactly(CONNACK_ACCEPTED);

          assertThat(closedByPeer(silent)).as("silent connection closed").isTrue();
          assertThat(closedByPeer(half)).as("half a ClientHello closed").isTrue();

          good.getOutputStream().write(PINGREQ);
          assertThat(read(good, 2)).containsExactly(PINGRESP);
        }
      }
      eventually().until(() -> b.broker().metrics().tlsHandshakeFailures.sum() == 2);
    }
  }

  @Test
  @DisplayName("plain MQTT or HTTP on the TLS port closes that connection only")
  void garbageInsteadOfClientHello() throws Exception {
    try (TestBroker b = broker(server, TlsConfig.Provider.AUTO, c -> c, null)) {
      int port = b.broker().port("mqtts");
      try (SSLSocket good = tlsSocket(pki.clientContext(null), "localhost", port)) {
        good.getOutputStream().write(connect(unique("good")));
        assertThat(read(good, 4)).containsExactly(CONNACK_ACCEPTED);

        for (byte[] garbage :
            List.of(
                connect("plain"),
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
          try (Socket raw = new Socket("127.0.0.1", port)) {
            OutputStream out = raw.getOutputStream();
            out.write(garbage);
            out.flush();
            assertThat(closedByPeer(raw)).isTrue();
          }
        }
        good.getOutputStream().write(PINGREQ);
        assertThat(read(good, 2)).containsExactly(PINGRESP);
      }
      eventually().until(() -> b.broker().metrics().tlsHandshakeFailures.sum() == 2);
    }
  }

  private static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }
}
