package dev.switchboard.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.TlsConfig;
import dev.switchboard.web.testing.Chromium;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The dashboard over wss:// against a broker with a generated (test CA) certificate: Chromium
 * trusts that one certificate's key, as a user who accepted it once would; a broker whose
 * certificate the browser does not trust gets the page's advice (accept it once at the https://
 * address, compare the fingerprint) instead of a silent failure.
 */
@DisplayName("Dashboard in Chromium over wss://")
class DashboardWssTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki.Issued trusted;
  private static TestPki.Issued untrusted;
  private static TestBroker broker;
  private static TestBroker strangeBroker;
  private static StaticFileServer files;
  private static Chromium chromium;
  private static DashPage page;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "dash");
    trusted = pki.server("server", "localhost", "127.0.0.1");
    untrusted = pki.server("stranger", "localhost", "127.0.0.1");
    // Only in this test: the browser accepts this one certificate's public key without a trusted
    // CA (the narrow form of --ignore-certificate-errors; Chromium honours it only with a
    // --user-data-dir, which Chromium.start always gives). A user does the same by accepting it
    // once.
    String spki =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(trusted.certificate().getPublicKey().getEncoded()));
    chromium = Chromium.startAtPhoneSize("--ignore-certificate-errors-spki-list=" + spki);
    broker =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.files(trusted.certificateFile(), trusted.keyFile())));
    strangeBroker =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.files(untrusted.certificateFile(), untrusted.keyFile())));
    files = new StaticFileServer();
    page = new DashPage(chromium.driver(), files.url("/"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (files != null) {
      files.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (strangeBroker != null) {
      strangeBroker.close();
    }
  }

  private static ObjectNode wss(String name, TestBroker target, TestPki.Issued certificate) {
    ObjectNode c = DashPage.connection(name, target.broker().port("wss"));
    c.put("tls", true);
    c.put("host", "localhost");
    c.put("fingerprint", certificate.fingerprint());
    return c;
  }

  @Test
  @DisplayName("the handout's tile shows a value published by an MQTT client, over wss://")
  void handoutTileOverWss() throws Exception {
    page.open(
        wss("app_1", broker, trusted),
        "[{\"id\":\"a\",\"type\":1,\"name\":\"app\",\"topic\":\"app\"}]",
        false);
    Mqtt3BlockingClient device =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier("wss-device")
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .buildBlocking();
    device.connect();
    try {
      device
          .publishWith()
          .topic("app")
          .payload("ok over wss".getBytes(UTF_8))
          .qos(MqttQos.AT_LEAST_ONCE)
          .send();
      page.waitUntil(d -> page.text("app").equals("ok over wss"));
    } finally {
      device.disconnect();
    }
  }

  @Test
  @DisplayName(
      "a certificate the browser does not trust: the page says what to do and shows the fingerprint")
  void untrustedCertificateGetsAdvice() throws Exception {
    ObjectNode connection = wss("stranger", strangeBroker, untrusted);
    page.load(connection, "[]", false); // it never connects: that is the point
    page.waitUntil(
        d -> !d.findElements(By.cssSelector(".notice[data-key='certificate']")).isEmpty());
    String advice =
        page.driver().findElement(By.cssSelector(".notice[data-key='certificate']")).getText();
    assertThat(advice)
        .contains("did not open")
        .contains("https://localhost:" + strangeBroker.broker().port("wss") + "/mqtt")
        .contains(untrusted.fingerprint());
    assertThat(page.status()).isIn("reconnecting", "connecting");
  }
}
