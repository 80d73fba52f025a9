package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics}: Prometheus' text format read by a strict parser, the broker's figures with hub
 * labels and never a device's, and who may read it.
 */
class MetricsTest {
  static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.withBroker();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  @Test
  void theTextIsPrometheusFormatWithTheBrokersFiguresByHub() throws Exception {
    Mqtt5BlockingClient c =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("metrics-device-7")
            .serverHost("127.0.0.1")
            .serverPort(api.broker.mqttPort())
            .simpleAuth()
            .username("metrics@team3")
            .applySimpleAuth()
            .buildBlocking();
    c.connect();
    try {
      c.subscribeWith().topicFilter("m/#").send();
      c.publishWith().topic("m/1").retain(true).payload(new byte[] {1}).send();
      c.publishWith().topic("m/2").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {2}).send();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Double.valueOf(1.0)
                      .equals(scrape().value("switchboard_hub_retained", Map.of("hub", "team3"))));
      Http.Answer a = api.anonymous().get("/metrics"); // from 127.0.0.1: allowed by default
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.header("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
      PrometheusText.Parsed m = PrometheusText.parse(a.body());

      assertThat(m.value("switchboard_hub_connections", Map.of("hub", "team3"))).isEqualTo(1.0);
      assertThat(m.value("switchboard_hub_subscriptions", Map.of("hub", "team3"))).isEqualTo(1.0);
      assertThat(m.value("switchboard_hub_messages_received_total", Map.of("hub", "team3")))
          .isGreaterThanOrEqualTo(1.0);
      assertThat(m.value("switchboard_hub_queued", Map.of("hub", "team3"))).isZero();
      assertThat(m.value("switchboard_hub_inflight", Map.of("hub", "team3"))).isZero();
      assertThat(
              m.value(
                  "switchboard_hub_refusals_total", Map.of("hub", "team3", "limit", "connections")))
          .isZero();
      assertThat(m.value("switchboard_connections")).isGreaterThanOrEqualTo(1.0);
      assertThat(m.value("switchboard_connects_total")).isGreaterThanOrEqualTo(1.0);
      assertThat(m.value("switchboard_messages_sent_total")).isNotNull();
      assertThat(m.value("switchboard_publish_received_total", Map.of("qos", "1")))
          .as("the QoS 1 PUBLISH")
          .isGreaterThanOrEqualTo(1.0);
      assertThat(m.value("switchboard_publish_received_total", Map.of("qos", "2"))).isZero();
      assertThat(m.value("switchboard_publish_sent_total", Map.of("qos", "2"))).isNotNull();
      assertThat(m.value("switchboard_bytes_received_bytes_total")).isPositive();
      for (String reason :
          Set.of("queue_full", "mailbox_full", "offline", "expired", "too_large", "quota")) {
        assertThat(m.value("switchboard_messages_dropped_total", Map.of("reason", reason)))
            .as(reason)
            .isNotNull();
      }
      assertThat(m.value("switchboard_connect_refusals_total", Map.of("reason", "connack")))
          .isNotNull();
      assertThat(m.value("switchboard_tls_handshakes_total", Map.of("outcome", "failed")))
          .isNotNull();
      assertThat(m.value("switchboard_http_streams")).isZero();
      assertThat(m.types()).containsKey("jvm_memory_used_bytes");
      assertThat(m.types().keySet()).anyMatch(n -> n.startsWith("switchboard_netty_"));
      assertThat(m.types().get("switchboard_hub_connections")).isEqualTo("gauge");

      // per-hub labels, never per-device ones
      Set<String> labels = new TreeSet<>();
      m.samples().keySet().forEach(s -> labels.addAll(s.labels().keySet()));
      assertThat(labels).doesNotContain("client", "clientId", "client_id", "device", "user");
      assertThat(m.samples().keySet()).noneMatch(s -> s.labels().containsValue("metrics-device-7"));
    } finally {
      c.disconnect();
    }
  }

  @Test
  void onlyServerWideCredentialsReadItWhenLoopbackIsNotEnough() throws Exception {
    try (ApiFixture keysOnly =
        ApiFixture.withBroker(
            HttpSettings.loopback().withMetrics(HttpSettings.MetricsAccess.KEYS))) {
      assertThat(keysOnly.anonymous().get("/metrics").status()).isEqualTo(401);
      assertThat(keysOnly.as("team3-owner").get("/metrics").status()).isEqualTo(403);
      Http.Answer viewer = keysOnly.as("server-viewer").get("/metrics");
      assertThat(viewer.status()).isEqualTo(200);
      PrometheusText.parse(viewer.body());
    }
    try (ApiFixture open =
        ApiFixture.withBroker(
            HttpSettings.loopback().withMetrics(HttpSettings.MetricsAccess.ANYONE))) {
      assertThat(open.anonymous().get("/metrics").status()).isEqualTo(200);
    }
  }

  @Test
  void theParserIsStrict() {
    PrometheusText.Parsed ok =
        PrometheusText.parse(
            "# HELP a_total Things.\n# TYPE a_total counter\na_total{x=\"q\\\"\\\\\\n\"} 1.5e3\n"
                + "b NaN 1700000000000\n");
    assertThat(ok.value("a_total", Map.of("x", "q\"\\\n"))).isEqualTo(1500.0);
    for (String bad :
        new String[] {
          "a 1", // no final line feed
          "1a 1\n",
          "a{x=y} 1\n",
          "a{x=\"y} 1\n",
          "a{x=\"\\t\"} 1\n",
          "a{__x=\"y\"} 1\n",
          "a 1 2 3\n",
          "a one\n",
          "a 1\na 2\n",
          "# TYPE a counter\n# TYPE a gauge\n",
          "a 1\n# TYPE a gauge\n",
          "# TYPE a histogram_x\n",
          "# TYPE a gauge\na_total 1\n# TYPE a_total counter\n",
          "# TYPE a summary\na_total 1\n"
        }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  static PrometheusText.Parsed scrape() {
    return PrometheusText.parse(api.anonymous().get("/metrics").body());
  }
}
