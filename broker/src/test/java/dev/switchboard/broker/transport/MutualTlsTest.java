package dev.switchboard.broker.transport;

import static dev.switchboard.broker.transport.TransportTestSupport.CONNACK_ACCEPTED;
import static dev.switchboard.broker.transport.TransportTestSupport.TIMEOUT;
import static dev.switchboard.broker.transport.TransportTestSupport.connect;
import static dev.switchboard.broker.transport.TransportTestSupport.eventually;
import static dev.switchboard.broker.transport.TransportTestSupport.onPath;
import static dev.switchboard.broker.transport.TransportTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.ListenerConfig.ClientAuth;
import dev.switchboard.broker.transport.TransportTestSupport.CapturingAuthenticator;
import dev.switchboard.broker.transport.TransportTestSupport.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client certificates: with {@code require} only a certificate the client CA issued (and still
 * valid) gets in, with {@code optional} no certificate is fine but a bad one is not; a verified
 * chain reaches the authenticator in {@link ClientIdentity#certificates()}.
 */
@DisplayName("Transport: mutual TLS")
class MutualTlsTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki other;
  private static TestPki.Issued server;
  private static TestPki.Issued device;

  @BeforeAll
  static void makeCertificates() throws Exception {
    pki = TestPki.create(dir, "devices");
    other = TestPki.create(dir, "other");
    server = pki.server("server", "localhost", "127.0.0.1");
    device =
        pki.client(
            "device-1",
            "device-1",
            new GeneralName(GeneralName.dNSName, "device-1.fleet.example"),
            new GeneralName(GeneralName.rfc822Name, "ops@fleet.example"),
            new GeneralName(GeneralName.uniformResourceIdentifier, "urn:device:1"));
  }

  private static TestBroker broker(
      ClientAuth mode, TlsConfig.Provider provider, CapturingAuthenticator auth) {
    TlsConfig tls =
        TlsConfig.files(server.certificateFile(), server.keyFile())
            .withClientCa(pki.caFile())
            .withProvider(provider);
    return TestBroker.start(
        c -> c.withListener(ListenerConfig.tls("mqtts", 0).withClientAuth(mode)).withTls(tls),
        auth);
  }

  /**
   * Whether a client presenting {@code certificate} (or none) gets a CONNACK. With TLS 1.3 the
   * server's verdict on the client certificate comes after the client's handshake is done: a
   * refusal shows as an alert or a close when the CONNACK is read.
   */
  private static boolean accepted(int port, SSLContext context, String clientId) {
    try (SSLSocket s = TlsListenerTest.tlsSocket(context, "localhost", port)) {
      s.startHandshake();
      s.getOutputStream().write(connect(clientId));
      byte[] answer = s.getInputStream().readNBytes(4);
      return java.util.Arrays.equals(answer, CONNACK_ACCEPTED);
    } catch (IOException e) {
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Trusts the server's CA and presents {@code cert}. */
  private static SSLContext presenting(TestPki.Issued cert) throws Exception {
    return pki.clientContext(cert);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  @DisplayName("require: a good certificate gets in and its chain reaches the authenticator")
  void requireAcceptsAGoodCertificate(TlsConfig.Provider provider) throws Exception {
    TlsListenerTest.assumeProvider(provider);
    CapturingAuthenticator auth = new CapturingAuthenticator();
    try (TestBroker b = broker(ClientAuth.REQUIRE, provider, auth)) {
      String id = unique("dev");
      assertThat(accepted(b.broker().port("mqtts"), presenting(device), id)).isTrue();
      ClientIdentity who = auth.await(id);
      assertThat(who.listener()).isEqualTo("mqtts");
      List<X509Certificate> chain = who.certificates();
      assertThat(chain).isNotEmpty();
      assertThat(chain.get(0)).isEqualTo(device.certificate());
      CertificateNames names = CertificateNames.of(chain.get(0));
      assertThat(names.commonName()).isEqualTo("device-1");
      assertThat(names.dnsNames()).containsExactly("device-1.fleet.example");
      assertThat(names.emails()).containsExactly("ops@fleet.example");
      assertThat(names.uris()).containsExactly("urn:device:1");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  @DisplayName("require: no certificate, another CA's, or an expired one is refused")
  void requireRefusesTheRest(TlsConfig.Provider provider) throws Exception {
    TlsListenerTest.assumeProvider(provider);
    Instant now = Instant.now();
    TestPki.Issued stranger = other.client("stranger", "device-1");
    TestPki.Issued expired =
        pki.client(
            "expired", "device-2", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
    CapturingAuthenticator auth = new CapturingAuthenticator();
    try (TestBroker b = broker(ClientAuth.REQUIRE, provider, auth)) {
      int port = b.broker().port("mqtts");
      assertThat(accepted(port, pki.clientContext(null), unique("none")))
          .as("no certificate")
          .isFalse();
      assertThat(accepted(port, presenting(stranger), unique("other"))).as("other CA").isFalse();
      assertThat(accepted(port, presenting(expired), unique("expired"))).as("expired").isFalse();
      // the broker's side of it: three failed handshakes, and nobody reached the authenticator
      eventually().until(() -> b.broker().metrics().tlsHandshakeFailures.sum() == 3);
      assertThat(auth.identities).isEmpty();

      // and the listener still serves a good client
      assertThat(accepted(port, presenting(device), unique("dev"))).isTrue();
    }
  }

  @Test
  @DisplayName("optional: no certificate gets in without one; a good one is seen; a bad one is not")
  void optional() throws Exception {
    CapturingAuthenticator auth = new CapturingAuthenticator();
    TestPki.Issued stranger = other.client("stranger-opt", "device-9");
    try (TestBroker b = broker(ClientAuth.OPTIONAL, TlsConfig.Provider.AUTO, auth)) {
      int port = b.broker().port("mqtts");
      String anonymous = unique("anon");
      assertThat(accepted(port, pki.clientContext(null), anonymous)).isTrue();
      assertThat(auth.await(anonymous).certificates()).isEmpty();

      String withCert = unique("dev");
      assertThat(accepted(port, presenting(device), withCert)).isTrue();
      assertThat(auth.await(withCert).certificates().get(0)).isEqualTo(device.certificate());

      assertThat(accepted(port, presenting(stranger), unique("other"))).isFalse();
    }
  }

  @Test
  @DisplayName("HiveMQ client with a key manager, against require")
  void hiveMqWithClientCertificate() throws Exception {
    CapturingAuthenticator auth = new CapturingAuthenticator();
    try (TestBroker b = broker(ClientAuth.REQUIRE, TlsConfig.Provider.AUTO, auth)) {
      String id = unique("hive");
      Mqtt5BlockingClient client =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier(id)
              .serverHost("localhost")
              .serverPort(b.broker().port("mqtts"))
              .sslConfig()
              .trustManagerFactory(pki.trustManagers())
              .keyManagerFactory(TestPki.keyManagers(device))
              .applySslConfig()
              .buildBlocking();
      client.connect();
      client.disconnect();
      assertThat(auth.await(id).certificates().get(0)).isEqualTo(device.certificate());

      Mqtt5BlockingClient without =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier(unique("hive"))
              .serverHost("localhost")
              .serverPort(b.broker().port("mqtts"))
              .sslConfig()
              .trustManagerFactory(pki.trustManagers())
              .applySslConfig()
              .buildBlocking();
      assertThatThrownBy(without::connect).isNotNull();
    }
  }

  @Test
  @DisplayName("mosquitto_pub with --cert and --key, against require")
  void mosquittoWithClientCertificate() throws Exception {
    var pub = onPath("mosquitto_pub");
    if (pub.isEmpty()) {
      System.out.println("SKIPPED: mosquitto_pub is not on PATH (mosquitto-clients)");
      Assumptions.abort("mosquitto-clients is not installed");
    }
    CapturingAuthenticator auth = new CapturingAuthenticator();
    try (TestBroker b = broker(ClientAuth.REQUIRE, TlsConfig.Provider.AUTO, auth)) {
      String port = String.valueOf(b.broker().port("mqtts"));
      String id = unique("mosq");
      Result ok =
          TransportTestSupport.run(
              List.of(
                  pub.get().toString(),
                  "-h",
                  "localhost",
                  "-p",
                  port,
                  "-i",
                  id,
                  "--cafile",
                  pki.caFile().toString(),
                  "--cert",
                  device.certificateFile().toString(),
                  "--key",
                  device.keyFile().toString(),
                  "-t",
                  "mtls/mosquitto",
                  "-m",
                  "hi"),
              TIMEOUT);
      assertThat(ok.exit()).as(ok.describe()).isZero();
      assertThat(auth.await(id).certificates().get(0)).isEqualTo(device.certificate());

      Result refused =
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
                  "mtls/mosquitto",
                  "-m",
                  "hi"),
              TIMEOUT);
      assertThat(refused.exit()).as(refused.describe()).isNotZero();
    }
  }
}
