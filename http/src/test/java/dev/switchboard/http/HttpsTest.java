package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.transport.PemFiles;
import dev.switchboard.broker.transport.SelfSignedCertificate;
import dev.switchboard.broker.transport.TlsConfig;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** HTTPS with the generated self-signed certificate (the MQTTS listeners' own). */
class HttpsTest {

  @Test
  void theApiIsServedOverHttpsWithTheGeneratedCertificateAndTheCookieIsSecure() throws Exception {
    Path tlsDir = java.nio.file.Files.createTempDirectory("switchboard-https");
    try (ApiFixture api =
        new ApiFixture(
            HttpSettings.loopback().withPorts(HttpSettings.OFF, 0), TlsConfig.selfSigned(tlsDir))) {
      X509Certificate cert =
          PemFiles.readCertificates(tlsDir.resolve(SelfSignedCertificate.CERTIFICATE_FILE)).get(0);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("switchboard", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      Http http = new Http(client, api.base);

      assertThat(api.base).startsWith("https://");
      assertThat(api.server.urls())
          .containsExactly("https://127.0.0.1:" + api.server.httpsPort() + "/");
      assertThat(http.get("/health/live").status()).isEqualTo(200);
      Http.Answer login =
          http.post(
              "/api/v1/login", Map.of("username", "server-owner", "password", ApiFixture.PASSWORD));
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.header("Set-Cookie")).contains("Secure").contains("HttpOnly");
    }
  }
}
