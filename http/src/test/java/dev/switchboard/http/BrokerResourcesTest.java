package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker's resources on a running broker with real MQTT clients: publish, clients, sessions,
 * subscriptions, retained messages, the topic tree, statistics, and their bad input.
 */
class BrokerResourcesTest {
  static ApiFixture api;
  static Http admin;
  final List<Runnable> cleanup = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.withBroker();
    admin = api.as("team3-admin");
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  @AfterEach
  void disconnectClients() {
    cleanup.forEach(Runnable::run);
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  Mqtt5BlockingClient v5(String clientId, String user, boolean cleanStart, long expiry) {
    Mqtt5BlockingClient c =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(api.broker.mqttPort())
            .simpleAuth()
            .username(user)
            .applySimpleAuth()
            .buildBlocking();
    c.connectWith().cleanStart(cleanStart).sessionExpiryInterval(expiry).keepAlive(30).send();
    cleanup.add(
        () -> {
          if (c.getState().isConnected()) {
            c.disconnect();
          }
        });
    return c;
  }

  Mqtt3BlockingClient v3(String clientId, String user) {
    Mqtt3BlockingClient c =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(api.broker.mqttPort())
            .simpleAuth()
            .username(user)
            .applySimpleAuth()
            .buildBlocking();
    c.connectWith().keepAlive(45).send();
    cleanup.add(
        () -> {
          if (c.getState().isConnected()) {
            c.disconnect();
          }
        });
    return c;
  }

  @Test
  void aRestPublishReachesAnMqttSubscriberOfItsHubOnly() throws Exception {
    Mqtt5BlockingClient sub = v5("sub-1", "sub@team3", true, 0);
    Mqtt5BlockingClient other = v5("sub-4", "sub@team4", true, 0);
    sub.subscribeWith().topicFilter("lab/+/temp").qos(MqttQos.AT_LEAST_ONCE).send();
    other.subscribeWith().topicFilter("lab/#").send();
    try (Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(MqttGlobalPublishFilter.ALL);
        Mqtt5BlockingClient.Mqtt5Publishes otherInbox =
            other.publishes(MqttGlobalPublishFilter.ALL)) {
      Http.Answer a =
          admin.post(
              "/api/v1/hubs/team3/publish",
              Map.of(
                  "topic",
                  "lab/room1/temp",
                  "payload",
                  "21.5",
                  "qos",
                  1,
                  "properties",
                  Map.of(
                      "contentType",
                      "text/plain",
                      "userProperties",
                      List.of(Map.of("name", "origin", "value", "rest")))));
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().path("subscribers").asInt()).isEqualTo(1);
      assertThat(a.json().path("delivered").asBoolean()).isTrue();
      Optional<Mqtt5Publish> got = inbox.receive(10, TimeUnit.SECONDS);
      assertThat(got).isPresent();
      assertThat(got.get().getTopic().toString()).isEqualTo("lab/room1/temp");
      assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
          .isEqualTo("21.5");
      assertThat(got.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
      assertThat(got.get().getContentType().map(Object::toString)).contains("text/plain");
      assertThat(got.get().getUserProperties().asList()).hasSize(1);
      // team4's subscriber to lab/# got nothing of team3's: it gets its own hub's message
      Http.Answer own =
          api.as("team4-admin")
              .post(
                  "/api/v1/hubs/team4/publish", Map.of("topic", "lab/x", "payloadBase64", "AAEC"));
      assertThat(own.json().path("subscribers").asInt()).isEqualTo(1);
      Optional<Mqtt5Publish> otherGot = otherInbox.receive(10, TimeUnit.SECONDS);
      assertThat(otherGot).isPresent();
      assertThat(otherGot.get().getTopic().toString()).isEqualTo("lab/x");
      assertThat(otherGot.get().getPayloadAsBytes()).containsExactly(0, 1, 2);
    }
    // nobody subscribed: the answer says so
    Http.Answer none =
        admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "nobody/here", "payload", "x"));
    assertThat(none.json().path("subscribers").asInt()).isZero();
    assertThat(none.json().path("delivered").asBoolean()).isFalse();
  }

  @Test
  void publishRefusesBadInputNamingTheField() {
    record Case(Object body, String field) {}
    List<Case> cases =
        List.of(
            new Case(Map.of("topic", "lab/#", "payload", "x"), "topic"),
            new Case(Map.of("topic", "$SYS/x", "payload", "x"), "topic"),
            new Case(Map.of("payload", "x"), "topic"),
            new Case(Map.of("topic", "a", "qos", 3), "qos"),
            new Case(Map.of("topic", "a", "qos", "1"), "qos"),
            new Case(
                Map.of("topic", "a", "payload", "x", "payloadBase64", "eA=="), "payloadBase64"),
            new Case(Map.of("topic", "a", "payloadBase64", "***"), "payloadBase64"),
            new Case(Map.of("topic", "a", "colour", "red"), "colour"),
            new Case(
                Map.of("topic", "a", "properties", Map.of("messageExpiryInterval", -1)),
                "properties.messageExpiryInterval"),
            new Case(
                Map.of("topic", "a", "properties", Map.of("responseTopic", "a/+")),
                "properties.responseTopic"));
    for (Case c : cases) {
      Http.Answer a = admin.post("/api/v1/hubs/team3/publish", c.body());
      assertThat(a.status()).as(c.toString()).isEqualTo(400);
      assertThat(a.field()).as(c.toString()).isEqualTo(c.field());
    }
    assertThat(admin.send("POST", "/api/v1/hubs/team3/publish", "topic=a", "text/plain").status())
        .isEqualTo(415);
    // and a good one still goes
    assertThat(admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "a")).status())
        .isEqualTo(200);
  }

  @Test
  void clientsAreListedFilteredSortedShownAndDisconnected() throws Exception {
    Mqtt5BlockingClient five = v5("c-five", "alice@team3", true, 0);
    v3("c-three", "bob@team3");
    v5("d-other", "carol@team3", true, 0);
    five.subscribeWith().topicFilter("cmd/#").qos(MqttQos.EXACTLY_ONCE).send();
    v5("c-team4", "dave@team4", true, 0); // another hub: never listed in team3

    JsonNode all = admin.get("/api/v1/hubs/team3/clients").json();
    assertThat(ids(all)).containsExactly("c-five", "c-three", "d-other");
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?clientIdPrefix=c-").json()))
        .containsExactly("c-five", "c-three");
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?protocol=3.1.1").json()))
        .containsExactly("c-three");
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?user=" + q("alice@team3")).json()))
        .containsExactly("c-five");
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?address=127.0.0.").json())).hasSize(3);
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?address=10.").json())).isEmpty();
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?sort=connectedSince").json())).hasSize(3);
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients?sort=drops").json())).hasSize(3);
    // pages of one, by backlog
    JsonNode first = admin.get("/api/v1/hubs/team3/clients?sort=backlog&limit=2").json();
    assertThat(first.path("items")).hasSize(2);
    JsonNode second =
        admin
            .get(
                "/api/v1/hubs/team3/clients?sort=backlog&limit=2&cursor="
                    + first.path("nextCursor").asText())
            .json();
    assertThat(second.path("items")).hasSize(1);
    assertThat(second.path("nextCursor").isNull()).isTrue();

    JsonNode details = admin.get("/api/v1/hubs/team3/clients/c-five").json();
    assertThat(details.path("protocolVersion").asText()).isEqualTo("5");
    assertThat(details.path("keepAlive").asInt()).isEqualTo(30);
    assertThat(details.path("username").asText()).isEqualTo("alice@team3");
    assertThat(details.path("address").asText()).isEqualTo("127.0.0.1");
    assertThat(details.path("connectedAt").asText()).isNotEmpty();
    assertThat(details.path("subscriptions").get(0).path("filter").asText()).isEqualTo("cmd/#");
    assertThat(details.path("subscriptions").get(0).path("qos").asInt()).isEqualTo(2);
    assertThat(details.path("drops").asLong()).isZero();
    assertThat(admin.get("/api/v1/hubs/team3/clients/c-team4").status()).isEqualTo(404);
    assertThat(api.as("team4-admin").get("/api/v1/hubs/team3/clients").status()).isEqualTo(404);

    // bad input
    assertThat(admin.get("/api/v1/hubs/team3/clients?sort=size").field()).isEqualTo("sort");
    assertThat(admin.get("/api/v1/hubs/team3/clients?protocol=6").field()).isEqualTo("protocol");
    assertThat(admin.get("/api/v1/hubs/team3/clients?cursor=nonsense").code())
        .isEqualTo("bad-cursor");

    // a viewer may not disconnect; an admin may, with a reason
    assertThat(api.as("team3-viewer").delete("/api/v1/hubs/team3/clients/c-five").status())
        .isEqualTo(403);
    assertThat(admin.delete("/api/v1/hubs/team3/clients/c-five?reason=maintenance").status())
        .isEqualTo(204);
    await().atMost(Duration.ofSeconds(10)).until(() -> !five.getState().isConnected());
    assertThat(ids(admin.get("/api/v1/hubs/team3/clients").json()))
        .containsExactly("c-three", "d-other");
    JsonNode audit = admin.get("/api/v1/hubs/team3/audit?limit=5").json();
    assertThat(audit.path("items").get(0).path("action").asText()).isEqualTo("client.disconnect");
  }

  @Test
  void persistentSessionsAreListedOfflineShownAndDeleted() throws Exception {
    Mqtt5BlockingClient keeper = v5("s-keeper", "erin@team3", false, 3600);
    keeper.subscribeWith().topicFilter("keep/#").qos(MqttQos.AT_LEAST_ONCE).send();
    keeper.disconnect();
    v5("s-online", "frank@team3", true, 0);
    // a QoS 1 message waits for the offline session; a QoS 0 one is dropped, counted for it
    admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "keep/1", "qos", 1, "payload", "x"));
    admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "keep/0", "qos", 0, "payload", "x"));

    JsonNode offline = admin.get("/api/v1/hubs/team3/sessions?online=false").json();
    assertThat(ids(offline)).contains("s-keeper").doesNotContain("s-online");
    JsonNode online = admin.get("/api/v1/hubs/team3/sessions?online=true").json();
    assertThat(ids(online)).contains("s-online").doesNotContain("s-keeper");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin.get("/api/v1/hubs/team3/sessions/s-keeper").json().path("queued").asInt()
                    == 1);
    JsonNode shown = admin.get("/api/v1/hubs/team3/sessions/s-keeper").json();
    assertThat(shown.path("online").asBoolean()).isFalse();
    assertThat(shown.path("drops").asLong()).isEqualTo(1);
    assertThat(shown.path("expiryInterval").asLong()).isEqualTo(3600);
    assertThat(shown.path("disconnectedAt").asText()).isNotEmpty();
    assertThat(shown.path("subscriptions").get(0).path("filter").asText()).isEqualTo("keep/#");

    JsonNode subs = admin.get("/api/v1/hubs/team3/subscriptions?topic=" + q("keep/a/b")).json();
    assertThat(subs.path("items")).hasSize(1);
    assertThat(subs.path("items").get(0).path("clientId").asText()).isEqualTo("s-keeper");
    assertThat(admin.get("/api/v1/hubs/team3/subscriptions?topic=" + q("a/#")).field())
        .isEqualTo("topic");

    assertThat(admin.get("/api/v1/hubs/team3/sessions?online=maybe").field()).isEqualTo("online");
    assertThat(admin.delete("/api/v1/hubs/team3/sessions/s-keeper").status()).isEqualTo(204);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> admin.get("/api/v1/hubs/team3/sessions/s-keeper").status() == 404);
    assertThat(ids(admin.get("/api/v1/hubs/team3/sessions").json())).contains("s-online");
  }

  @Test
  void retainedMessagesAreListedReadAndDeletedOneOrASubtree() {
    for (String t : List.of("r/a", "r/b/1", "r/b/2", "s/x")) {
      admin.post(
          "/api/v1/hubs/team3/publish", Map.of("topic", t, "payload", "v-" + t, "retain", true));
    }
    admin.post(
        "/api/v1/hubs/team3/publish",
        Map.of("topic", "r/bin", "payloadBase64", "/wA=", "retain", true));
    JsonNode list = admin.get("/api/v1/hubs/team3/retained?filter=" + q("r/#")).json();
    assertThat(topics(list)).containsExactly("r/a", "r/b/1", "r/b/2", "r/bin");
    JsonNode paged =
        admin.get("/api/v1/hubs/team3/retained?filter=" + q("r/#") + "&limit=3").json();
    assertThat(topics(paged)).hasSize(3);
    assertThat(
            topics(
                admin
                    .get(
                        "/api/v1/hubs/team3/retained?filter="
                            + q("r/#")
                            + "&limit=3&cursor="
                            + paged.path("nextCursor").asText())
                    .json()))
        .containsExactly("r/bin");
    JsonNode one = admin.get("/api/v1/hubs/team3/retained/message?topic=" + q("r/b/1")).json();
    assertThat(one.path("payload").asText()).isEqualTo("v-r/b/1");
    assertThat(one.path("retain").asBoolean()).isTrue();
    JsonNode bin = admin.get("/api/v1/hubs/team3/retained/message?topic=r/bin").json();
    assertThat(bin.has("payload")).isFalse();
    assertThat(bin.path("payloadBase64").asText()).isEqualTo("/wA=");
    // another hub sees none of them
    assertThat(
            topics(
                api.as("team4-admin").get("/api/v1/hubs/team4/retained?filter=" + q("#")).json()))
        .doesNotContain("r/a");

    assertThat(admin.delete("/api/v1/hubs/team3/retained?topic=r/a").json().path("deleted").asInt())
        .isEqualTo(1);
    assertThat(
            admin
                .delete("/api/v1/hubs/team3/retained?filter=" + q("r/b/#"))
                .json()
                .path("deleted")
                .asInt())
        .isEqualTo(2);
    assertThat(topics(admin.get("/api/v1/hubs/team3/retained?filter=" + q("#")).json()))
        .contains("r/bin", "s/x")
        .doesNotContain("r/a", "r/b/1", "r/b/2");
    assertThat(admin.get("/api/v1/hubs/team3/retained/message?topic=r/a").status()).isEqualTo(404);
    assertThat(admin.delete("/api/v1/hubs/team3/retained?topic=r/a").status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/hubs/team3/retained?filter=" + q("a/#/b")).field())
        .isEqualTo("filter");
    assertThat(admin.delete("/api/v1/hubs/team3/retained").status()).isEqualTo(400);
    assertThat(api.as("team3-viewer").delete("/api/v1/hubs/team3/retained?topic=s/x").status())
        .isEqualTo(403);
  }

  @Test
  void theTopicTreeShowsLiveTopicsWithCountsAndRetainedOnes() throws Exception {
    Mqtt5BlockingClient pub = v5("t-pub", "gina@team3", true, 0);
    for (int i = 0; i < 5; i++) {
      pub.publishWith().topic("tree/room1/temp").payload(new byte[] {1}).send();
    }
    pub.publishWith().topic("tree/room2/hum").payload(new byte[] {1}).send();
    admin.post(
        "/api/v1/hubs/team3/publish",
        Map.of("topic", "tree/room2/name", "payload", "kitchen", "retain", true));
    v5("t-pub4", "hank@team4", true, 0).publishWith().topic("tree/secret").send();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin.get("/api/v1/hubs/team3/topics?prefix=tree").json().path("topics").asInt()
                    == 3);
    JsonNode tree = admin.get("/api/v1/hubs/team3/topics?prefix=tree").json();
    JsonNode room1 = tree.path("children").get(0);
    assertThat(room1.path("name").asText()).isEqualTo("room1");
    assertThat(room1.path("subtreeMessages").asLong()).isEqualTo(5);
    JsonNode temp = room1.path("children").get(0);
    assertThat(temp.path("topic").asText()).isEqualTo("tree/room1/temp");
    assertThat(temp.path("messages").asLong()).isEqualTo(5);
    assertThat(temp.path("lastActivity").asText()).isNotEmpty();
    JsonNode room2 = tree.path("children").get(1);
    assertThat(room2.path("subtreeTopics").asInt()).isEqualTo(2);
    assertThat(room2.path("children").get(1).path("retained").asBoolean()).isTrue();
    // team4's topic is team4's only
    assertThat(admin.get("/api/v1/hubs/team3/topics?contains=secret").json().path("topics").asInt())
        .isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api.as("team4-admin")
                        .get("/api/v1/hubs/team4/topics?contains=secret")
                        .json()
                        .path("topics")
                        .asInt()
                    == 1);
    JsonNode shallow = admin.get("/api/v1/hubs/team3/topics?prefix=tree&depth=1").json();
    assertThat(shallow.path("children").get(0).has("children")).isFalse();
    assertThat(admin.get("/api/v1/hubs/team3/topics?depth=0").field()).isEqualTo("depth");
    assertThat(admin.get("/api/v1/hubs/team3/topics?prefix=" + q("a/#")).field())
        .isEqualTo("prefix");
  }

  @Test
  void statisticsCountTheHubAndKeepAHistory() throws Exception {
    v5("st-1", "ivy@team3", true, 0).subscribeWith().topicFilter("st/#").send();
    admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "st/1", "payload", "x"));
    JsonNode stats = admin.get("/api/v1/hubs/team3/stats").json();
    assertThat(stats.path("hub").asText()).isEqualTo("team3");
    assertThat(stats.path("connections").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(stats.path("subscriptions").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(stats.path("messagesReceived").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(stats.has("server")).isFalse(); // the server's figures are the default hub's
    JsonNode history = admin.get("/api/v1/hubs/team3/stats/history").json();
    assertThat(history.path("intervalSeconds").asInt()).isEqualTo(10);
    assertThat(history.path("points").isArray()).isTrue();
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("items").forEach(n -> out.add(n.path("clientId").asText()));
    return out;
  }

  private static List<String> topics(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("items").forEach(n -> out.add(n.path("topic").asText()));
    return out;
  }
}
