package dev.switchboard.broker.transport;

import static dev.switchboard.broker.transport.TransportTestSupport.CONNACK_ACCEPTED;
import static dev.switchboard.broker.transport.TransportTestSupport.TIMEOUT;
import static dev.switchboard.broker.transport.TransportTestSupport.connect;
import static dev.switchboard.broker.transport.TransportTestSupport.eventually;
import static dev.switchboard.broker.transport.TransportTestSupport.onPath;
import static dev.switchboard.broker.transport.TransportTestSupport.read;
import static dev.switchboard.broker.transport.TransportTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.TransportTestSupport.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate side of TLS: PEM files in their usual forms, the self-signed certificate made
 * once and reused, reloads when the files change, and one-line errors for files that cannot be
 * used.
 */
@DisplayName("Transport: certificate files, self-signed certificate, reload")
class CertificateFilesTest {
  @TempDir Path dir;

  /** The fingerprint of the certificate a new TLS connection to {@code port} is served. */
  private static String servedFingerprint(int port, SSLContext context) throws Exception {
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout((int) TIMEOUT.toMillis());
      s.getOutputStream().write(connect(unique("fp")));
      assertThat(read(s, 4)).containsExactly(CONNACK_ACCEPTED);
      return PemFiles.sha256Fingerprint((X509Certificate) s.getSession().getPeerCertificates()[0]);
    }
  }

  // ---------------------------------------------------------------- self-signed

  @Test
  @DisplayName("self-signed: made once with the host's names and a private key, then reused")
  void selfSignedIsMadeOnceAndReused() throws Exception {
    Path tls = dir.resolve("data").resolve("tls");
    String fingerprint;
    byte[] keyBytes;
    try (TestBroker b =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withTls(TlsConfig.selfSigned(tls)))) {
      ServerCertificate served = b.broker().tlsCertificate().orElseThrow();
      assertThat(served.selfSigned()).isTrue();
      fingerprint = served.sha256Fingerprint();
      Path cert = tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE);
      Path key = tls.resolve(SelfSignedCertificate.KEY_FILE);
      assertThat(served.file()).isEqualTo(cert);
      assertThat(Files.getPosixFilePermissions(key))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      keyBytes = Files.readAllBytes(key);

      X509Certificate c = served.certificate();
      CertificateNames names = CertificateNames.of(c);
      assertThat(names.dnsNames()).contains("localhost");
      List<String> sans =
          c.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList();
      assertThat(sans).contains("localhost", "127.0.0.1");
      assertThat(sans).anyMatch(v -> v.startsWith("0:0:0:0:0:0:0:1"));

      // a client that trusts the file itself (as mosquitto_sub --cafile does) connects
      SSLContext trusting = SSLContext.getInstance("TLS");
      trusting.init(null, TestPki.trustManagers(c).getTrustManagers(), null);
      assertThat(servedFingerprint(b.broker().port("mqtts"), trusting)).isEqualTo(fingerprint);
    }
    try (TestBroker again =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withTls(TlsConfig.selfSigned(tls)))) {
      ServerCertificate served = again.broker().tlsCertificate().orElseThrow();
      assertThat(served.sha256Fingerprint()).as("the same certificate").isEqualTo(fingerprint);
      assertThat(Files.readAllBytes(tls.resolve(SelfSignedCertificate.KEY_FILE)))
          .isEqualTo(keyBytes);
    }
  }

  @Test
  @DisplayName("self-signed: mosquitto_pub trusts it with --cafile")
  void selfSignedWithMosquitto() throws Exception {
    var pub = onPath("mosquitto_pub");
    if (pub.isEmpty()) {
      System.out.println("SKIPPED: mosquitto_pub is not on PATH (mosquitto-clients)");
      Assumptions.abort("mosquitto-clients is not installed");
    }
    Path tls = dir.resolve("tls");
    try (TestBroker b =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withTls(TlsConfig.selfSigned(tls)))) {
      Result r =
          TransportTestSupport.run(
              List.of(
                  pub.get().toString(),
                  "-h",
                  "localhost",
                  "-p",
                  String.valueOf(b.broker().port("mqtts")),
                  "--cafile",
                  tls.resolve(SelfSignedCertificate.CERTIFICATE_FILE).toString(),
                  "-t",
                  "self/signed",
                  "-m",
                  "trusted"),
              TIMEOUT);
      assertThat(r.exit()).as(r.describe()).isZero();
    }
  }

  @Test
  @DisplayName("self-signed: damaged files are replaced with a new certificate")
  void damagedSelfSignedIsRemade() throws Exception {
    Path tls = dir.resolve("tls");
    SelfSignedCertificate first = SelfSignedCertificate.loadOrCreate(tls);
    assertThat(first.created()).isTrue();
    assertThat(SelfSignedCertificate.loadOrCreate(tls).created()).isFalse();
    Files.writeString(first.keyFile(), "not a key");
    SelfSignedCertificate remade = SelfSignedCertificate.loadOrCreate(tls);
    assertThat(remade.created()).isTrue();
    assertThat(remade.sha256Fingerprint()).isNotEqualTo(first.sha256Fingerprint());
  }

  // ---------------------------------------------------------------- reload

  @Test
  @DisplayName("reload: new files are used by new connections; a bad new file keeps the old")
  void reload() throws Exception {
    TestPki pki = TestPki.create(dir, "reload");
    TestPki.Issued first = pki.server("first", "localhost", "127.0.0.1");
    TestPki.Issued second = pki.server("second", "localhost", "127.0.0.1");
    Path cert = dir.resolve("live.crt");
    Path key = dir.resolve("live.key");
    Files.copy(first.certificateFile(), cert);
    Files.copy(first.keyFile(), key);
    SSLContext client = pki.clientContext(null);
    try (TestBroker b =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withTls(
                        TlsConfig.files(cert, key).withReloadInterval(Duration.ofMillis(50))))) {
      int port = b.broker().port("mqtts");
      assertThat(servedFingerprint(port, client)).isEqualTo(first.fingerprint());

      // replaced as tools do: written beside, then moved into place
      replace(second.keyFile(), key);
      replace(second.certificateFile(), cert);
      eventually()
          .until(
              () ->
                  b.broker()
                      .tlsCertificate()
                      .orElseThrow()
                      .sha256Fingerprint()
                      .equals(second.fingerprint()));
      assertThat(servedFingerprint(port, client)).isEqualTo(second.fingerprint());

      // a certificate whose key is not there yet: logged, and the loaded one stays
      TestPki.Issued third = pki.server("third", "localhost", "127.0.0.1");
      replace(third.certificateFile(), cert);
      assertThat(b.broker().reloadTls()).isFalse();
      assertThat(servedFingerprint(port, client)).isEqualTo(second.fingerprint());
      // ... until the key comes
      replace(third.keyFile(), key);
      eventually()
          .until(
              () ->
                  b.broker()
                      .tlsCertificate()
                      .orElseThrow()
                      .sha256Fingerprint()
                      .equals(third.fingerprint()));
      assertThat(servedFingerprint(port, client)).isEqualTo(third.fingerprint());

      // garbage: the loaded one stays
      Files.writeString(cert, "garbage");
      assertThat(b.broker().reloadTls()).isFalse();
      assertThat(servedFingerprint(port, client)).isEqualTo(third.fingerprint());
    }
  }

  private static void replace(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------- PEM forms and errors

  @Test
  @DisplayName("keys as the openssl command writes them (SEC1, PKCS#1, PKCS#8; plain, encrypted)")
  void keyFormsOfTheOpensslCommand() throws Exception {
    var openssl = onPath("openssl");
    if (openssl.isEmpty()) {
      System.out.println("SKIPPED: openssl is not on PATH");
      Assumptions.abort("openssl is not installed");
    }
    String o = openssl.get().toString();
    Path sec1 = dir.resolve("sec1.key");
    Path sec1Encrypted = dir.resolve("sec1-enc.key");
    Path pkcs1 = dir.resolve("rsa.key");
    Path pkcs8Encrypted = dir.resolve("p8-enc.key");
    Path cert = dir.resolve("ec.crt");
    for (List<String> command :
        List.of(
            List.of(
                o, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString()),
            List.of(
                o,
                "ec",
                "-in",
                sec1.toString(),
                "-aes128",
                "-passout",
                "pass:s3cret",
                "-out",
                sec1Encrypted.toString()),
            List.of(o, "genrsa", "-traditional", "-out", pkcs1.toString(), "2048"),
            List.of(
                o,
                "pkcs8",
                "-topk8",
                "-in",
                sec1.toString(),
                "-v2",
                "aes-256-cbc",
                "-passout",
                "pass:s3cret",
                "-out",
                pkcs8Encrypted.toString()),
            List.of(
                o,
                "req",
                "-x509",
                "-key",
                sec1.toString(),
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-days",
                "2",
                "-out",
                cert.toString()))) {
      Result r = TransportTestSupport.run(command, TIMEOUT);
      assertThat(r.exit()).as(r.describe()).isZero();
    }
    X509Certificate c = PemFiles.readCertificates(cert).get(0);
    assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
    assertThat(PemFiles.matches(PemFiles.readPrivateKey(sec1, null), c)).isTrue();
    assertThat(Files.readString(sec1Encrypted)).contains("ENCRYPTED");
    assertThat(PemFiles.matches(PemFiles.readPrivateKey(sec1Encrypted, "s3cret"), c)).isTrue();
    assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
    assertThat(PemFiles.readPrivateKey(pkcs1, null).getAlgorithm()).isEqualTo("RSA");
    assertThat(Files.readString(pkcs8Encrypted)).contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertThat(PemFiles.matches(PemFiles.readPrivateKey(pkcs8Encrypted, "s3cret"), c)).isTrue();
    assertThatThrownBy(() -> PemFiles.readPrivateKey(pkcs8Encrypted, null))
        .hasMessageContaining("encrypted");
    assertThatThrownBy(() -> PemFiles.readPrivateKey(pkcs8Encrypted, "wrong"))
        .hasMessageContaining("cannot be decrypted");
    assertThatThrownBy(() -> PemFiles.readPrivateKey(sec1Encrypted, "wrong"))
        .hasMessageContaining("cannot be decrypted");

    // a broker serves the openssl certificate with its encrypted key
    try (TestBroker b =
        TestBroker.start(
            x ->
                x.withListener(ListenerConfig.tls("mqtts", 0))
                    .withTls(TlsConfig.files(cert, pkcs8Encrypted).withKeyPassword("s3cret")))) {
      SSLContext trusting = SSLContext.getInstance("TLS");
      trusting.init(null, TestPki.trustManagers(c).getTrustManagers(), null);
      assertThat(servedFingerprint(b.broker().port("mqtts"), trusting))
          .isEqualTo(PemFiles.sha256Fingerprint(c));
    }
  }

  @Test
  @DisplayName("files that cannot be used stop the start with one line naming the setting")
  void badFilesNameTheSetting() throws Exception {
    TestPki pki = TestPki.create(dir, "bad");
    TestPki.Issued a = pki.server("a", "localhost");
    TestPki.Issued b = pki.server("b", "localhost");
    Path missing = dir.resolve("missing.pem");
    Path text = dir.resolve("text.pem");
    Files.writeString(text, "hello\n", StandardCharsets.US_ASCII);

    record Case(TlsConfig tls, String setting, String says) {}
    List<Case> cases =
        List.of(
            new Case(TlsConfig.files(missing, a.keyFile()), "tls.certificate", "no such file"),
            new Case(TlsConfig.files(text, a.keyFile()), "tls.certificate", "no PEM certificate"),
            new Case(TlsConfig.files(a.certificateFile(), missing), "tls.key", "no such file"),
            new Case(TlsConfig.files(a.certificateFile(), text), "tls.key", "no PEM private key"),
            new Case(
                TlsConfig.files(a.certificateFile(), b.keyFile()), "tls.key", "is not the key of"),
            new Case(
                TlsConfig.files(a.certificateFile(), a.keyFile()).withClientCa(missing),
                "tls.client-ca",
                "no such file"));
    for (Case c : cases) {
      assertThatThrownBy(() -> ServerTls.check(c.tls()))
          .as(c.setting())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c.setting())
          .hasMessageContaining(c.says())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      var config =
          TestBroker.config().withListener(ListenerConfig.tls("mqtts", 0)).withTls(c.tls());
      Broker broker = new Broker(config);
      assertThatThrownBy(broker::start)
          .isInstanceOf(ListenerException.class)
          .hasMessageContaining(c.setting());
    }
  }
}
