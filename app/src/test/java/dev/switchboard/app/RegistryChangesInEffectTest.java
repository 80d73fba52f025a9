package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.store.registry.RegistryStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change made through the HTTP API is in effect on the server's broker when the answer comes, not
 * at the registry's next poll: the poll interval here is an hour, so only the API's catch-up can
 * make the broker see it.
 */
@DisplayName("Registry changes over the HTTP API are in effect before the answer")
class RegistryChangesInEffectTest {
  @TempDir Path dir;
  private HubServer server;
  private String key;
  private final List<RawClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    SwitchboardConfig config =
        TestServerConfig.write(
            dir,
            "registry",
            """
            http.port = 0
            registry.poll-interval = 1h
            """);
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      key =
          new ApiKeys(registry, java.time.Clock.systemUTC())
              .issue(null, AdminRole.ADMIN, "admin", 0, "test")
              .token();
    }
    server = HubServer.start(config);
  }

  @AfterEach
  void stop() {
    clients.forEach(RawClient::close);
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName(
      "a device added is let in at once; disabled, its connection is ended and it is refused;"
          + " a deny rule applies to its next PUBLISH; removed, it is refused")
  void changesApplyBeforeTheAnswer() throws Exception {
    assertThat(connack("dev1"))
        .as("before it exists")
        .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);

    HttpResponse<String> added =
        api("POST", "/api/v1/hubs/default/devices", "{\"clientId\":\"dev1\",\"password\":\"pw\"}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    RawClient c = connected("dev1");
    assertThat(puback(c, "lab/a", 1))
        .as("allowed before any rule (nobody subscribes)")
        .isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);

    HttpResponse<String> rule =
        api(
            "POST",
            "/api/v1/hubs/default/rules",
            "{\"priority\":10,\"action\":\"deny\",\"operation\":\"publish\",\"filter\":\"lab/#\","
                + "\"device\":\"dev1\"}");
    assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
    assertThat(puback(c, "lab/a", 2)).as("denied right after").isEqualTo(ReasonCode.NOT_AUTHORIZED);
    assertThat(puback(c, "other/a", 3))
        .as("outside the rule")
        .isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);

    HttpResponse<String> disabled = api("POST", "/api/v1/hubs/default/devices/dev1/disable", null);
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    List<Object> last = c.awaitClose(Duration.ofSeconds(10));
    assertThat(last)
        .as("ended with 'not authorized'")
        .anySatisfy(
            p ->
                assertThat(p)
                    .isInstanceOfSatisfying(
                        Disconnect.class,
                        d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED)));
    assertThat(connack("dev1")).as("disabled").isEqualTo(ReasonCode.NOT_AUTHORIZED);

    assertThat(api("POST", "/api/v1/hubs/default/devices/dev1/enable", null).statusCode())
        .isEqualTo(200);
    assertThat(connack("dev1")).as("enabled again").isEqualTo(ReasonCode.SUCCESS);

    assertThat(api("DELETE", "/api/v1/hubs/default/devices/dev1", null).statusCode())
        .isEqualTo(204);
    assertThat(connack("dev1")).as("removed").isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  private int connack(String id) {
    RawClient c = RawClient.open(server.broker.mqttPort(), MqttVersion.V5);
    c.send(connect(id));
    int code = c.expect(ConnAck.class).reasonCode();
    c.close();
    return code;
  }

  private RawClient connected(String id) {
    RawClient c = RawClient.open(server.broker.mqttPort(), MqttVersion.V5);
    clients.add(c);
    c.send(connect(id));
    assertThat(c.expect(ConnAck.class).reasonCode()).as("CONNACK of %s", id).isZero();
    return c;
  }

  private static Connect connect(String id) {
    return new Connect(
        MqttVersion.V5,
        id,
        true,
        60,
        id,
        "pw".getBytes(StandardCharsets.UTF_8),
        null,
        MqttProperties.EMPTY);
  }

  private static int puback(RawClient c, String topic, int id) {
    c.send(new Publish(topic, new byte[1], 1, false, false, id, MqttProperties.EMPTY));
    return c.expect(PubAck.class).reasonCode();
  }

  private HttpResponse<String> api(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.http.httpPort() + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
