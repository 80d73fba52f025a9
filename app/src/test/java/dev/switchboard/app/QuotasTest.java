package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.hub.auth.ApiKeys;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.quota.DeviceQuota;
import dev.switchboard.hub.quota.HubQuota;
import dev.switchboard.hub.quota.QuotaLimits;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.store.registry.RegistryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas on the server {@code switchboard start} builds (registry devices, the hub's authenticator,
 * SQLite store, HTTP API): refusals at a limit for 5.0 (0x97 in PUBACK and PUBREC) and 3.1.1
 * (dropped, acknowledged, counted), disconnect instead, deliveries dropped beyond a subscriber's
 * limit, the measurer, the device API's {@code /publish}, the inspector over REST and SSE with its
 * roles and bad input, changes while running, and the day's counts across a restart. Limits here
 * are per day or month, so that a test never straddles a window it depends on (each window's own
 * turn is {@code DeviceMeterTest}'s, with a clock it moves).
 */
@DisplayName("Quotas on a running server: MQTT, the device API, the inspector")
class QuotasTest {
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> DEVICES =
      List.of("pub5", "pub3", "cut", "sub", "free", "big", "web", "webcut", "other");

  @TempDir Path dir;
  private SwitchboardConfig config;
  private HubServer server;
  private final List<RawClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> keys = new java.util.HashMap<>();

  @BeforeEach
  void configure() throws IOException {
    config =
        TestServerConfig.write(
            dir,
            "quotas",
            """
            http.port = 0
            quotas.save-interval = 100ms
            """);
    PasswordHasher hasher = config.authSettings().hasher();
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      registry.addHub(Hub.create("team4", System.currentTimeMillis()));
      for (String id : DEVICES) {
        registry.add(Device.create(Hub.DEFAULT, id, id, hasher.hash("pw".toCharArray()), 0));
      }
      registry.quotas().setHubQuota(new HubQuota(Hub.DEFAULT, 100, QuotaLimits.NONE));
      own(registry, "pub5", 2L, false);
      own(registry, "pub3", 1L, false);
      own(registry, "cut", 1L, true);
      own(registry, "sub", 2L, false);
      own(registry, "big", 5L, false);
      own(registry, "web", 1L, false);
      own(registry, "webcut", 1L, true);
      ApiKeys issuer = new ApiKeys(registry, java.time.Clock.systemUTC());
      keys.put("admin", issuer.issue(null, AdminRole.ADMIN, "admin", 0, "test").token());
      keys.put("viewer", issuer.issue(null, AdminRole.VIEWER, "viewer", 0, "test").token());
      keys.put("team4", issuer.issue("team4", AdminRole.OWNER, "team4", 0, "test").token());
    }
    server = HubServer.start(config);
  }

  private static void own(RegistryStore registry, String id, Long perDay, boolean disconnect) {
    registry
        .quotas()
        .setDeviceQuota(
            new DeviceQuota(Hub.DEFAULT, id, null, null, null, perDay, null, disconnect));
  }

  @AfterEach
  void stop() {
    clients.forEach(RawClient::close);
    if (server != null) {
      server.close();
    }
  }

  private RawClient connect(MqttVersion v, String id) {
    RawClient c = RawClient.open(server.broker.mqttPort(), v);
    clients.add(c);
    c.send(
        new Connect(
            v,
            id,
            true,
            60,
            id,
            "pw".getBytes(StandardCharsets.UTF_8),
            null,
            MqttProperties.EMPTY));
    assertThat(c.expect(ConnAck.class).reasonCode()).as("CONNACK of %s", id).isZero();
    return c;
  }

  private static RawClient subscribed(RawClient c, String filter) {
    c.send(new Subscribe(1, List.of(new Subscription(filter, 1)), MqttProperties.EMPTY));
    c.expect(SubAck.class);
    return c;
  }

  private static Publish publish(String topic, int bytes, int qos, int id) {
    return new Publish(topic, new byte[bytes], qos, false, false, id, MqttProperties.EMPTY);
  }

  private static int acked(RawClient c, String topic, int id) {
    c.send(publish(topic, 1, 1, id));
    return c.expect(PubAck.class).reasonCode();
  }

  private static String received(RawClient c) {
    Publish p = c.expect(Publish.class);
    if (p.qos() == 1) {
      c.send(new PubAck(p.packetId(), 0, MqttProperties.EMPTY));
    }
    return p.topic();
  }

  private String base() {
    return "http://127.0.0.1:" + server.http.httpPort();
  }

  private HttpResponse<String> api(String key, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + keys.get(key))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode usage(String clientId) throws Exception {
    HttpResponse<String> r =
        api("viewer", "GET", "/api/v1/hubs/default/devices/" + clientId + "/quota", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  @DisplayName(
      "MQTT 5.0 at its limit: PUBACK and PUBREC carry Quota exceeded (0x97), nothing is routed;"
          + " what came before arrived")
  void refusedOn5() throws Exception {
    RawClient watcher = subscribed(connect(MqttVersion.V5, "free"), "t/#");
    RawClient pub = connect(MqttVersion.V5, "pub5");

    assertThat(acked(pub, "t/1", 1)).isZero();
    assertThat(acked(pub, "t/2", 2)).isZero();
    assertThat(acked(pub, "t/3", 3)).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    pub.send(publish("t/4", 1, 2, 4));
    assertThat(pub.expect(PubRec.class).reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);

    assertThat(List.of(received(watcher), received(watcher))).containsExactly("t/1", "t/2");
    watcher.expectNothing(QUIET);
    JsonNode u = usage("pub5");
    assertThat(u.path("usage").path("usage").path("day").path("used").asLong()).isEqualTo(2);
    assertThat(u.path("usage").path("usage").path("day").path("limit").asLong()).isEqualTo(2);
    assertThat(u.path("usage").path("refused").asLong()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "MQTT 3.1.1 at its limit: a QoS 1 PUBLISH is acknowledged as the spec requires, dropped and"
          + " counted (inspector, hub stats, /metrics)")
  void droppedOn311() throws Exception {
    RawClient watcher = subscribed(connect(MqttVersion.V5, "free"), "t/#");
    RawClient pub = connect(MqttVersion.V3_1_1, "pub3");

    assertThat(acked(pub, "t/1", 1)).isZero();
    assertThat(acked(pub, "t/2", 2)).isZero(); // acknowledged, not routed

    assertThat(received(watcher)).isEqualTo("t/1");
    watcher.expectNothing(QUIET);
    assertThat(usage("pub3").path("usage").path("refused").asLong()).isEqualTo(1);
    JsonNode stats = JSON.readTree(api("viewer", "GET", "/api/v1/hubs/default/stats", null).body());
    assertThat(stats.path("quota").path("publishes").asLong()).isEqualTo(1);
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("switchboard_hub_quota_refusals_total{hub=\"default\",kind=\"publish\"} 1.0");
  }

  @Test
  @DisplayName(
      "a device to be disconnected instead: DISCONNECT Quota exceeded (0x97) at its limit, after"
          + " the message within it went through")
  void disconnectInstead() {
    RawClient watcher = subscribed(connect(MqttVersion.V5, "free"), "t/#");
    RawClient cut = connect(MqttVersion.V5, "cut");
    assertThat(acked(cut, "t/1", 1)).isZero();
    assertThat(received(watcher)).isEqualTo("t/1");

    cut.send(publish("t/2", 1, 1, 2));
    assertThat(cut.awaitClose(Duration.ofSeconds(5)))
        .anyMatch(p -> p instanceof Disconnect d && d.reasonCode() == ReasonCode.QUOTA_EXCEEDED)
        .noneMatch(p -> p instanceof PubAck);
    watcher.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "deliveries count against the subscriber's quota: below its limit they arrive, beyond it"
          + " they are dropped and counted, while another subscriber gets them all")
  void deliveriesCount() throws Exception {
    RawClient limited = subscribed(connect(MqttVersion.V5, "sub"), "t/#");
    RawClient free = subscribed(connect(MqttVersion.V5, "free"), "t/#");
    RawClient pub = connect(MqttVersion.V5, "other");
    for (int i = 1; i <= 3; i++) {
      acked(pub, "t/" + i, i);
    }

    assertThat(List.of(received(limited), received(limited))).containsExactly("t/1", "t/2");
    limited.expectNothing(QUIET);
    assertThat(List.of(received(free), received(free), received(free)))
        .containsExactly("t/1", "t/2", "t/3");
    JsonNode u = usage("sub");
    assertThat(u.path("usage").path("dropped").asLong()).isEqualTo(1);
    assertThat(u.path("usage").path("usage").path("month").path("used").asLong()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a message counts as ceil(size / measurer): 450 bytes with a measurer of 100 is 5 of a"
          + " limit of 5, and then a 1-byte message is refused")
  void measurer() throws Exception {
    RawClient big = connect(MqttVersion.V5, "big");
    big.send(publish("m", 450, 1, 1));
    assertThat(big.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    assertThat(acked(big, "m", 2)).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    assertThat(usage("big").path("usage").path("usage").path("day").path("used").asLong())
        .isEqualTo(5);
  }

  private HttpResponse<String> device(String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Cookie", "tokenId=" + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName(
      "the device API's /publish counts as an MQTT PUBLISH: the first goes, the one past the"
          + " limit is refused")
  void deviceApiPublish() throws Exception {
    RawClient watcher = subscribed(connect(MqttVersion.V5, "free"), "w/#");
    HttpResponse<String> login =
        device(
            "/login",
            null,
            "{\"clientId\":\"web\",\"userName\":\"web\",\"password\":\"pw\",\"cleanSession\":true}");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String token = JSON.readTree(login.body()).get("tokenId").asText();
    String payload = Base64.getEncoder().encodeToString("on".getBytes(StandardCharsets.UTF_8));
    String body =
        "{\"tokenId\":\""
            + token
            + "\",\"topic\":\"w/led\",\"qos\":1,\"payload\":\""
            + payload
            + "\"}";

    assertThat(device("/publish", token, body).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = device("/publish", token, body);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("quota");
    assertThat(received(watcher)).isEqualTo("w/led");
    watcher.expectNothing(QUIET);
    assertThat(usage("web").path("usage").path("refused").asLong()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "the device API with disconnect instead: the publish past the limit is refused and the"
          + " login ended (its token no longer valid)")
  void deviceApiDisconnect() throws Exception {
    HttpResponse<String> login =
        device(
            "/login",
            null,
            "{\"clientId\":\"webcut\",\"userName\":\"webcut\",\"password\":\"pw\","
                + "\"cleanSession\":true}");
    String token = JSON.readTree(login.body()).get("tokenId").asText();
    String body =
        "{\"tokenId\":\"" + token + "\",\"topic\":\"w/x\",\"qos\":0,\"payload\":\"AA==\"}";
    assertThat(device("/publish", token, body).statusCode()).isEqualTo(200);
    assertThat(device("/publish", token, body).statusCode()).isEqualTo(400);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> device("/publish", token, body).body().contains("Token not valid"));
    assertThat(usage("webcut").path("usage").path("disconnects").asLong()).isPositive();
  }

  @Test
  @DisplayName(
      "the inspector: usage sorted by any window (heaviest first), filtered by prefix, paged;"
          + " bad sort keys and cursors are problems naming the field")
  void inspector() throws Exception {
    RawClient pub = connect(MqttVersion.V5, "pub5");
    acked(pub, "a", 1);
    acked(pub, "a", 2);
    RawClient big = connect(MqttVersion.V5, "big");
    acked(big, "a", 1);

    JsonNode page =
        JSON.readTree(
            api("viewer", "GET", "/api/v1/hubs/default/quotas/usage?sort=day&limit=2", null)
                .body());
    assertThat(page.path("items").get(0).path("clientId").asText()).isEqualTo("pub5");
    assertThat(page.path("items").get(1).path("clientId").asText()).isEqualTo("big");
    String cursor = page.path("nextCursor").asText();
    JsonNode next =
        JSON.readTree(
            api(
                    "viewer",
                    "GET",
                    "/api/v1/hubs/default/quotas/usage?sort=day&limit=100&cursor=" + cursor,
                    null)
                .body());
    assertThat(next.path("items")).hasSize(DEVICES.size() - 2);
    assertThat(next.path("nextCursor").isNull()).isTrue();

    JsonNode filtered =
        JSON.readTree(
            api("viewer", "GET", "/api/v1/hubs/default/quotas/usage?clientIdPrefix=pub", null)
                .body());
    assertThat(filtered.path("items").findValuesAsText("clientId")).containsExactly("pub3", "pub5");

    HttpResponse<String> badSort =
        api("viewer", "GET", "/api/v1/hubs/default/quotas/usage?sort=weekly", null);
    assertThat(badSort.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badSort.body()).path("field").asText()).isEqualTo("sort");
    HttpResponse<String> badCursor =
        api("viewer", "GET", "/api/v1/hubs/default/quotas/usage?cursor=zzz", null);
    assertThat(JSON.readTree(badCursor.body()).path("code").asText()).isEqualTo("bad-cursor");
  }

  @Test
  @DisplayName(
      "settings over REST: hub defaults and a device's own apply to connected devices at once;"
          + " negative or absurd limits and unknown devices are refused naming the field, nothing"
          + " applied; viewers read only; another hub's administrator sees no such hub")
  void settingsAndRoles() throws Exception {
    RawClient free = connect(MqttVersion.V5, "free");
    assertThat(acked(free, "a", 1)).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS); // no budget

    HttpResponse<String> set =
        api(
            "admin",
            "PUT",
            "/api/v1/hubs/default/quotas",
            "{\"measurerSize\":0,\"perDay\":1000,\"perHour\":500}");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(JSON.readTree(set.body()).path("perDay").asLong()).isEqualTo(1000);
    HttpResponse<String> own =
        api("admin", "PUT", "/api/v1/hubs/default/devices/pub5/quota", "{\"perDay\":3}");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    assertThat(JSON.readTree(own.body()).path("limits").path("perHour").asLong()).isEqualTo(500);
    RawClient pub = connect(MqttVersion.V5, "pub5");
    for (int i = 1; i <= 3; i++) {
      assertThat(acked(pub, "a", i)).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    }
    assertThat(acked(pub, "a", 4)).isEqualTo(ReasonCode.QUOTA_EXCEEDED);

    HttpResponse<String> negative =
        api("admin", "PUT", "/api/v1/hubs/default/devices/pub5/quota", "{\"perMinute\":-1}");
    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(negative.body()).path("field").asText()).isEqualTo("perMinute");
    HttpResponse<String> absurd =
        api("admin", "PUT", "/api/v1/hubs/default/quotas", "{\"perMonth\":1e18}");
    assertThat(absurd.statusCode()).isEqualTo(400);
    HttpResponse<String> hugeMeasurer =
        api("admin", "PUT", "/api/v1/hubs/default/quotas", "{\"measurerSize\":999999999999}");
    assertThat(JSON.readTree(hugeMeasurer.body()).path("field").asText()).isEqualTo("measurerSize");
    assertThat(
            JSON.readTree(api("viewer", "GET", "/api/v1/hubs/default/quotas", null).body())
                .path("perDay")
                .asLong())
        .isEqualTo(1000); // nothing half-applied
    assertThat(
            api("admin", "PUT", "/api/v1/hubs/default/devices/nobody/quota", "{\"perDay\":1}")
                .statusCode())
        .isEqualTo(404);
    assertThat(
            api("viewer", "PUT", "/api/v1/hubs/default/devices/pub5/quota", "{\"perDay\":9}")
                .statusCode())
        .isEqualTo(403);
    assertThat(api("team4", "GET", "/api/v1/hubs/default/quotas/usage", null).statusCode())
        .isEqualTo(404);
    assertThat(api("team4", "GET", "/api/v1/hubs/team4/quotas/usage", null).statusCode())
        .isEqualTo(200);

    HttpResponse<String> reset =
        api("admin", "POST", "/api/v1/hubs/default/devices/pub5/quota/reset", null);
    assertThat(
            JSON.readTree(reset.body())
                .path("usage")
                .path("usage")
                .path("day")
                .path("used")
                .asLong())
        .isZero();
    assertThat(acked(pub, "a", 5)).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    JsonNode audit = JSON.readTree(api("admin", "GET", "/api/v1/audit", null).body());
    assertThat(audit.path("items").findValuesAsText("action"))
        .contains("quota.hub.set", "quota.device.set", "quota.device.reset");
  }

  @Test
  @DisplayName("the inspector's stream sends usage snapshots at the chosen interval")
  void stream() throws Exception {
    RawClient pub = connect(MqttVersion.V5, "pub5");
    acked(pub, "a", 1);
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    base()
                        + "/api/v1/hubs/default/quotas/usage/stream?sort=day&limit=1&interval=1s"))
            .header("Authorization", "Bearer " + keys.get("viewer"))
            .build();
    HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      List<JsonNode> snapshots = new ArrayList<>();
      String line;
      while (snapshots.size() < 2 && (line = in.readLine()) != null) {
        if (line.startsWith("data: ")) {
          snapshots.add(JSON.readTree(line.substring(6)));
          acked(pub, "a", 2); // the second snapshot sees it
        }
      }
      assertThat(snapshots.get(0).path("items").get(0).path("clientId").asText()).isEqualTo("pub5");
      assertThat(
              snapshots.get(1).path("items").get(0).path("usage").path("day").path("used").asLong())
          .isEqualTo(2);
    }
    assertThat(
            api("viewer", "GET", "/api/v1/hubs/default/quotas/usage/stream?interval=0s", null)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName(
      "the day's and month's counts survive a restart of the server; a limit set from another"
          + " process while it runs applies at its next poll")
  void countsSurviveARestart() throws Exception {
    RawClient pub = connect(MqttVersion.V5, "pub5");
    acked(pub, "a", 1);
    clients.remove(pub);
    pub.close();
    server.close();
    server = HubServer.start(config);

    JsonNode u = usage("pub5");
    assertThat(u.path("usage").path("usage").path("day").path("used").asLong()).isEqualTo(1);
    assertThat(u.path("usage").path("usage").path("month").path("used").asLong()).isEqualTo(1);
    RawClient again = connect(MqttVersion.V5, "pub5");
    assertThat(acked(again, "a", 2)).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    assertThat(acked(again, "a", 3)).isEqualTo(ReasonCode.QUOTA_EXCEEDED); // 2 a day

    try (RegistryStore other = RegistryStore.open(config.storeConfig())) {
      own(other, "pub5", 10L, false); // as `switchboard quotas set` does
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> acked(again, "a", 4) == ReasonCode.NO_MATCHING_SUBSCRIBERS);
  }
}
