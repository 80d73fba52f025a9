package dev.switchboard.http.myqtthub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.auth.Quota;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.PublisherAcknowledgement;
import dev.switchboard.broker.routing.RouteTarget;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.transport.TlsConfig;
import dev.switchboard.http.HttpApi;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.hub.auth.LoginThrottle;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.Admin;
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
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MyQttHub-compatible device API driven by java.net.http exactly as MyQttHub's documentation
 * shows (POST, JSON bodies sent without a JSON media type as {@code curl -d} sends them, the token
 * as cookie and body field, base64 payloads), interleaved with MQTT clients of the same devices.
 */
class DeviceApiTest {
  private static final String PASSWORD = "secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Broker broker;
  private RegistryStore registry;
  private HttpServer server;
  private Path dir;
  private String base;
  private final HttpClient http = HttpClient.newHttpClient();
  private final PasswordHasher hasher =
      new PasswordHasher(
          new PasswordHasher.Settings(PasswordHasher.Algorithm.PBKDF2_SHA256, 19_456, 2, 1, 1_000));

  /**
   * Any client id; password "secret"; a user "strict..." rejects a second connection; a user
   * "frozen..." has its subscriptions fixed by an administrator: exactly {@code fixed/#} at QoS 1;
   * a user "limited..." is of hub {@code small}, which allows one connection at once.
   */
  private static CompletionStage<AuthResult> check(ClientIdentity id, byte[] password) {
    if (password == null || !PASSWORD.equals(new String(password, StandardCharsets.UTF_8))) {
      return CompletableFuture.completedFuture(
          AuthResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "wrong password"));
    }
    String user = id.username() == null ? "" : id.username();
    if (user.startsWith("limited")) {
      return CompletableFuture.completedFuture(
          AuthResult.accept(
              new Principal("small", user, null, false, null, new Quota(1, 0, 0, 0))));
    }
    return CompletableFuture.completedFuture(
        AuthResult.accept(
            new Principal(
                Principal.DEFAULT_HUB,
                user,
                null,
                user.startsWith("strict"),
                user.startsWith("frozen") ? List.of(new Subscription("fixed/#", 1)) : null)));
  }

  @BeforeEach
  void start() throws Exception {
    broker =
        new Broker(
            TestBroker.config(),
            new InMemoryRetainedStore(),
            DeviceApiTest::check,
            Authorizer.ALLOW_ALL);
    broker.start();
    dir = Files.createTempDirectory("switchboard-device-api");
    registry = RegistryStore.open(StoreConfig.sqlite(dir.resolve("state.db")));
    serve(new DeviceApiSettings(Duration.ofMinutes(10), Duration.ofDays(1), 1000));
  }

  /** (Re)starts the HTTP server on the same broker and registry with these settings. */
  private void serve(DeviceApiSettings settings) throws Exception {
    if (server != null) {
      server.close();
    }
    server =
        HttpApi.server(
                HttpSettings.loopback(),
                TlsConfig.none(),
                () -> null,
                new HttpApi.Parts(
                    registry, registry, hasher, new LoginThrottle(), Clock.systemUTC(), broker),
                settings)
            .start();
    base = "http://127.0.0.1:" + server.httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    broker.close();
    if (registry != null) {
      registry.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A POST as MyQttHub's curl examples send it: {@code -d} body, the token cookie if any. */
  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Cookie", "tokenId=" + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String login(String clientId, String user, boolean cleanSession) throws Exception {
    HttpResponse<String> r =
        post(
            "/login",
            null,
            "{\"clientId\" : \""
                + clientId
                + "\", \"userName\" : \""
                + user
                + "\", \"password\" : \"secret\", \"cleanSession\" : "
                + cleanSession
                + " }");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.get("stamp").asLong()).isPositive();
    assertThat(answer.get("validUntil").asLong()).isGreaterThan(answer.get("stamp").asLong());
    assertThat(r.headers().firstValue("Set-Cookie"))
        .hasValueSatisfying(c -> c.startsWith("tokenId="));
    return answer.get("tokenId").asText();
  }

  private HttpResponse<String> call(String path, String token, String fields) throws Exception {
    String body =
        "{\"tokenId\" : \"" + token + "\"" + (fields.isEmpty() ? "" : ", " + fields) + "}";
    return post(path, token, body);
  }

  /** An MQTT client with the password every device has here, connected. */
  private RawClient mqtt(MqttVersion version, String clientId) {
    RawClient c = RawClient.open(broker.mqttPort(), version);
    c.send(
        new Connect(
            version,
            clientId,
            true,
            60,
            clientId,
            PASSWORD.getBytes(),
            null,
            MqttProperties.EMPTY));
    assertThat(c.expect(ConnAck.class).reasonCode()).isZero();
    return c;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode pull(String token) throws Exception {
    HttpResponse<String> r = call("/pull", token, "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** Pulls until something arrives (messages cross loops), at most a few seconds. */
  private JsonNode pullSome(String token) throws Exception {
    for (int i = 0; i < 100; i++) {
      JsonNode n = pull(token);
      if (n.size() > 0) {
        return n;
      }
      Thread.sleep(50);
    }
    return pull(token);
  }

  @Test
  void loginSubscribePublishPullLogoutAsTheDocumentationShows() throws Exception {
    String token = login("device_1", "device_1", true);
    HttpResponse<String> sub =
        call("/subscribe", token, "\"subscriptions\" : [[\"lab/#\", 1], [\"lab/+/x\", 0]]");
    assertThat(sub.statusCode()).as(sub.body()).isEqualTo(200);
    assertThat(JSON.readTree(sub.body()).toString()).isEqualTo("[1,0]");
    assertThat(call("/get-subscriptions", token, "").body())
        .isEqualTo("[[\"lab/#\",1],[\"lab/+/x\",0]]");

    // an MQTT client publishes; the HTTP device pulls it
    try (RawClient mqtt = mqtt(MqttVersion.V3_1_1, "app_1")) {
      mqtt.send(
          new Publish("lab/temp", "21.5".getBytes(), 1, false, false, 7, MqttProperties.EMPTY));
      mqtt.expect(PubAck.class);
    }
    JsonNode pulled = pullSome(token);
    assertThat(pulled).hasSize(1);
    assertThat(pulled.get(0).get("topic").asText()).isEqualTo("lab/temp");
    assertThat(pulled.get(0).get("payload").asText()).isEqualTo(b64("21.5"));
    assertThat(pulled.get(0).get("qos").asInt()).isEqualTo(1);
    assertThat(pull(token)).isEmpty(); // acknowledged when pulled: not handed out again

    // the HTTP device publishes; an MQTT subscriber receives it
    try (RawClient mqtt = mqtt(MqttVersion.V5, "app_2")) {
      mqtt.send(new Subscribe(1, List.of(new Subscription("cmd/#", 1)), MqttProperties.EMPTY));
      mqtt.expect(SubAck.class);
      HttpResponse<String> pub =
          call(
              "/publish",
              token,
              "\"topic\" : \"cmd/led\", \"qos\" : 1, \"payload\" : \""
                  + b64("on")
                  + "\", \"retain\" : false, \"dup\" : false");
      assertThat(pub.statusCode()).as(pub.body()).isEqualTo(200);
      Publish got = mqtt.expect(Publish.class);
      assertThat(got.topic()).isEqualTo("cmd/led");
      assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo("on");
    }

    HttpResponse<String> unsub = call("/unsubscribe", token, "\"subscriptions\" : [\"lab/+/x\"]");
    assertThat(unsub.body()).isEqualTo("[0]");
    HttpResponse<String> out = call("/logout", token, "");
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.body()).isEqualTo("Logout completed");
    HttpResponse<String> after = call("/pull", token, "");
    assertThat(after.statusCode()).isEqualTo(400);
    assertThat(after.body()).contains("Token not valid, expired or login session needed");
  }

  @Test
  void aQos1PublishIsAnsweredOnceTheRouteTargetsThatHoldItReleaseIt() throws Exception {
    // a route target standing for other nodes: it holds each QoS 1/2 publish until let go
    List<AcknowledgementHold> holds = new CopyOnWriteArrayList<>();
    broker
        .router()
        .addTarget(
            new RouteTarget() {
              @Override
              public int route(Message message) {
                return 1;
              }

              @Override
              public int route(Message message, PublisherAcknowledgement acknowledgement) {
                holds.add(acknowledgement.hold());
                return 1;
              }
            });
    String token = login("device_1", "device_1", true);
    String fields = "\"topic\" : \"cmd/held\", \"qos\" : 1, \"payload\" : \"" + b64("x") + "\"";
    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return call("/publish", token, fields);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> holds.size() == 1);
    Thread.sleep(300);
    assertThat(answer).as("held: not answered yet").isNotDone();
    holds.get(0).release();
    assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

    HttpResponse<String> zero =
        call("/publish", token, "\"topic\" : \"cmd/zero\", \"qos\" : 0, \"payload\" : \"\"");
    assertThat(zero.statusCode()).as("QoS 0 is not held").isEqualTo(200);
    assertThat(holds).hasSize(1);

    CompletableFuture<HttpResponse<String>> refused =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return call("/publish", token, fields);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> holds.size() == 2);
    holds.get(1).fail("not forwarded to another node: its queue is full");
    HttpResponse<String> no = refused.get(10, TimeUnit.SECONDS);
    assertThat(no.statusCode()).isEqualTo(400);
    assertThat(no.body()).contains("its queue is full");
  }

  @Test
  void theLoginIsAConnectedClientShownAsHttpAndServedUnderTheAlias() throws Exception {
    HttpResponse<String> r =
        post(
            "/myqtthub/login",
            null,
            "{\"clientId\":\"device_2\",\"userName\":\"device_2\",\"password\":\"secret\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String token = JSON.readTree(r.body()).get("tokenId").asText();
    var session = broker.sessions().get("device_2");
    assertThat(session).isNotNull();
    assertThat(session.inspect().get().protocolVersion()).isEqualTo(0x100);
    assertThat(session.isOnline()).isTrue();
    assertThat(broker.metrics().clientsConnected.get()).isEqualTo(1);
    assertThat(call("/myqtthub/pull", token, "").body()).isEqualTo("[]");
  }

  @Test
  void failedLoginAndBadTokensAnswerWithMyQttHubsTexts() throws Exception {
    HttpResponse<String> bad =
        post("/login", null, "{\"clientId\":\"d\",\"userName\":\"d\",\"password\":\"wrong\"}");
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body())
        .contains(
            "Service denied (auth login failure, wrong password, identifier rejected or"
                + " connection refused)");
    HttpResponse<String> unknown = call("/publish", "0da82260-207e-4e4e-9fc3-d2846d7c54f0", "");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("Token not valid, expired or login session needed");

    String token = login("device_3", "device_3", true);
    HttpResponse<String> notJson = post("/publish", token, "{topic");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).startsWith("Failed to complete request, error was:");
    HttpResponse<String> notBase64 =
        call("/publish", token, "\"topic\" : \"a/b\", \"qos\" : 0, \"payload\" : \"!!!\"");
    assertThat(notBase64.statusCode()).isEqualTo(400);
    assertThat(notBase64.body()).contains("base64");
    HttpResponse<String> wildcard =
        call("/publish", token, "\"topic\" : \"a/#\", \"qos\" : 0, \"payload\" : \"\"");
    assertThat(wildcard.statusCode()).isEqualTo(400);
    // the login still works after every refusal
    assertThat(call("/pull", token, "").statusCode()).isEqualTo(200);
  }

  @Test
  void anMqttConnectionTakesOverTheLoginAndALoginTakesOverAnMqttConnection() throws Exception {
    String token = login("device_4", "device_4", false);
    try (RawClient mqtt = RawClient.open(broker.mqttPort(), MqttVersion.V5)) {
      mqtt.send(
          new Connect(
              MqttVersion.V5,
              "device_4",
              false,
              60,
              "device_4",
              PASSWORD.getBytes(),
              null,
              MqttProperties.EMPTY));
      assertThat(mqtt.expect(ConnAck.class).reasonCode()).isZero();
      HttpResponse<String> taken = call("/pull", token, "");
      assertThat(taken.statusCode()).isEqualTo(400);
      assertThat(taken.body()).contains("Token not valid");

      login("device_4", "device_4", false); // and back: the MQTT connection is taken over
      Object next = mqtt.poll(Duration.ofSeconds(5));
      assertThat(next).isInstanceOf(Disconnect.class);
      assertThat(((Disconnect) next).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
    }
  }

  @Test
  void aDeviceThatRejectsTakeoverKeepsItsMqttConnection() throws Exception {
    try (RawClient mqtt = RawClient.open(broker.mqttPort(), MqttVersion.V3_1_1)) {
      mqtt.send(
          new Connect(
              MqttVersion.V3_1_1,
              "device_5",
              true,
              60,
              "strict_5",
              PASSWORD.getBytes(),
              null,
              MqttProperties.EMPTY));
      assertThat(mqtt.expect(ConnAck.class).reasonCode()).isZero();
      HttpResponse<String> r =
          post(
              "/login",
              null,
              "{\"clientId\":\"device_5\",\"userName\":\"strict_5\",\"password\":\"secret\"}");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("identifier rejected");
      mqtt.expectNothing(Duration.ofMillis(200)); // still connected
    }
  }

  @Test
  void aFrozenDevicesLoginHasExactlyItsFixedSubscriptionsWithTheirRetainedMessages()
      throws Exception {
    try (RawClient app = mqtt(MqttVersion.V3_1_1, "app_9")) {
      app.send(
          new Publish("fixed/state", "on".getBytes(), 1, true, false, 3, MqttProperties.EMPTY));
      app.expect(PubAck.class);
    }
    String token = login("frozen_1", "frozen_1", true);
    assertThat(call("/get-subscriptions", token, "").body()).isEqualTo("[[\"fixed/#\",1]]");
    JsonNode pulled = pullSome(token);
    assertThat(pulled).hasSize(1);
    assertThat(pulled.get(0).get("topic").asText()).isEqualTo("fixed/state");
    assertThat(pulled.get(0).get("retain").asBoolean()).isTrue();
    // its own subscribe is refused, as for an MQTT client with fixed subscriptions
    HttpResponse<String> own = call("/subscribe", token, "\"subscriptions\" : [[\"other/#\", 0]]");
    assertThat(call("/get-subscriptions", token, "").body())
        .as("after " + own.body())
        .isEqualTo("[[\"fixed/#\",1]]");
  }

  @Test
  void aHubsConnectionLimitCountsLoginsAndMqttConnectionsAlike() throws Exception {
    String first = login("limited_1", "limited_1", true);
    HttpResponse<String> second =
        post(
            "/login",
            null,
            "{\"clientId\":\"limited_2\",\"userName\":\"limited_2\",\"password\":\"secret\"}");
    assertThat(second.statusCode()).as("the hub's one slot is the first login's").isEqualTo(401);
    try (RawClient mqtt = RawClient.open(broker.mqttPort(), MqttVersion.V5)) {
      mqtt.send(
          new Connect(
              MqttVersion.V5,
              "limited_3",
              true,
              60,
              "limited_3",
              PASSWORD.getBytes(),
              null,
              MqttProperties.EMPTY));
      assertThat(mqtt.expect(ConnAck.class).reasonCode())
          .as("an MQTT client of the hub too")
          .isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    }
    assertThat(call("/logout", first, "").statusCode()).isEqualTo(200);
    // the slot comes back once the logout has ended the session on its loop
    String again = null;
    for (int i = 0; i < 100 && again == null; i++) {
      HttpResponse<String> r =
          post(
              "/login",
              null,
              "{\"clientId\":\"limited_2\",\"userName\":\"limited_2\",\"password\":\"secret\"}");
      if (r.statusCode() == 200) {
        again = JSON.readTree(r.body()).get("tokenId").asText();
      } else {
        Thread.sleep(50);
      }
    }
    assertThat(again).as("a login after the first logged out").isNotNull();
  }

  @Test
  void anIdleLoginAndOnePastItsLifetimeEndAndTheirSessionsGoOffline() throws Exception {
    serve(new DeviceApiSettings(Duration.ofMillis(300), Duration.ofDays(1), 1000));
    String idle = login("idle_1", "idle_1", false);
    assertThat(call("/get-subscriptions", idle, "").statusCode())
        .as("in use: valid")
        .isEqualTo(200);
    Thread.sleep(700);
    HttpResponse<String> late = call("/pull", idle, "");
    assertThat(late.statusCode()).isEqualTo(400);
    assertThat(late.body()).contains("Token not valid, expired or login session needed");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                broker.sessions().get("idle_1") != null
                    && !broker.sessions().get("idle_1").isOnline());

    // 1.5 s: the answer's validUntil, in whole seconds, is then always after its stamp
    serve(new DeviceApiSettings(Duration.ofMinutes(10), Duration.ofMillis(1500), 1000));
    String shortLived = login("brief_1", "brief_1", true);
    assertThat(call("/get-subscriptions", shortLived, "").statusCode()).isEqualTo(200);
    Thread.sleep(1800);
    HttpResponse<String> expired = call("/get-subscriptions", shortLived, "");
    assertThat(expired.statusCode()).as("past the token's lifetime, used or not").isEqualTo(400);
    assertThat(expired.body()).contains("Token not valid, expired or login session needed");
  }

  @Test
  void aDeviceChangesItsOwnPasswordInTheRegistry() throws Exception {
    registry.add(Device.create("pw_1", "pw_1", hasher.hash(PASSWORD.toCharArray()), 0));
    String token = login("pw_1", "pw_1", true);
    HttpResponse<String> changed =
        call("/change-my-password", token, "\"newPassword\" : \"n3w-secret\"");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    String hash = registry.device(Hub.DEFAULT, "pw_1").orElseThrow().passwordHash();
    assertThat(hasher.verify("n3w-secret".toCharArray(), hash)).isTrue();
    assertThat(hasher.verify(PASSWORD.toCharArray(), hash)).isFalse();
    HttpResponse<String> missing = call("/change-my-password", token, "");
    assertThat(missing.statusCode()).isEqualTo(400);
  }

  @Test
  void aHubAdministratorsLoginGetsTheDomainCallsOfItsHubOnly() throws Exception {
    registry.addHub(Hub.create("team3", 0));
    registry.add(Device.create("team3", "device_1", "device_1", null, 0));
    registry.addAdmin(
        new Admin(
            "teacher", "team3", AdminRole.ADMIN, hasher.hash("admin-pass".toCharArray()), 0, 0));
    HttpResponse<String> in =
        post(
            "/login",
            null,
            "{\"clientId\":\"panel\",\"userName\":\"teacher\",\"password\":\"admin-pass\"}");
    assertThat(in.statusCode()).as(in.body()).isEqualTo(200);
    String admin = JSON.readTree(in.body()).get("tokenId").asText();

    JsonNode domains = JSON.readTree(call("/domain/list", admin, "").body());
    assertThat(domains).extracting(d -> d.get("name").asText()).containsExactly("team3");
    JsonNode view = JSON.readTree(call("/domain/view", admin, "\"domain\" : \"team3\"").body());
    assertThat(view.get("devices").asInt()).isEqualTo(1);
    JsonNode devices =
        JSON.readTree(call("/device/list", admin, "\"domainName\" : \"team3\"").body());
    assertThat(devices).extracting(d -> d.get("clientId").asText()).containsExactly("device_1");
    assertThat(call("/domain/view", admin, "\"domain\" : \"default\"").statusCode())
        .as("another hub: as if it did not exist")
        .isEqualTo(400);
    String device = login("device_9", "device_9", true);
    assertThat(call("/domain/list", device, "").statusCode()).as("a device's token").isEqualTo(403);
  }

  @Test
  void aPersistentLoginKeepsItsSubscriptionsAndQueuedMessagesAcrossLogins() throws Exception {
    String first = login("device_6", "device_6", false);
    call("/subscribe", first, "\"subscriptions\" : [[\"alerts/#\", 1]]");
    assertThat(call("/logout", first, "").statusCode()).isEqualTo(200);
    try (RawClient mqtt = mqtt(MqttVersion.V3_1_1, "app_6")) {
      mqtt.send(
          new Publish("alerts/fire", "!".getBytes(), 1, false, false, 3, MqttProperties.EMPTY));
      mqtt.expect(PubAck.class);
    }
    String second = login("device_6", "device_6", false);
    assertThat(call("/get-subscriptions", second, "").body()).isEqualTo("[[\"alerts/#\",1]]");
    JsonNode pulled = pullSome(second);
    assertThat(pulled).hasSize(1);
    assertThat(pulled.get(0).get("topic").asText()).isEqualTo("alerts/fire");
  }

  @Test
  void pullStreamSendsMessagesAsEvents() throws Exception {
    String token = login("device_7", "device_7", true);
    call("/subscribe", token, "\"subscriptions\" : [[\"s/#\", 0]]");
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/pull/stream"))
            .header("Cookie", "tokenId=" + token)
            .GET()
            .build();
    HttpResponse<java.io.InputStream> stream =
        http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    try (var reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).isEqualTo(": ready");
      broker.publish(
          new dev.switchboard.broker.message.Message(
              "s/1",
              "x".getBytes(),
              0,
              false,
              MqttProperties.EMPTY,
              "t",
              Long.MAX_VALUE,
              Principal.DEFAULT_HUB));
      String line;
      do {
        line = reader.readLine();
      } while (line != null && !line.startsWith("data:"));
      assertThat(line).contains("\"topic\":\"s/1\"").contains(b64("x"));
    }
  }
}
