package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.persist.Durability;
import dev.switchboard.broker.persist.Persistence;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.hub.stash.StashDirectory;
import dev.switchboard.hub.stash.StashInterceptor;
import dev.switchboard.hub.stash.Stashes;
import dev.switchboard.store.MessageLogStore;
import dev.switchboard.store.SqlStore;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.Stores;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stashes through {@code /api/v1/hubs/{hub}/stashes}, on a broker with a SQLite store (strict
 * durability) and the stash interceptor: MQTT clients publish, the API shows, downloads and
 * re-sends what was kept.
 */
@DisplayName("Stashes: the REST API over a broker that keeps them")
class StashesTest {
  static final String BASE = "/api/v1/hubs/default/stashes";

  static Path data;
  static SqlStore store;
  static MessageLogStore log;
  static StashDirectory directory;
  static Broker broker;
  static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("switchboard-stashes");
    StoreConfig config = StoreConfig.sqlite(data.resolve("switchboard.db"));
    store = Stores.open(config);
    log = MessageLogStore.open(config);
    broker =
        new Broker(
            TestBroker.config(),
            new InMemoryRetainedStore(),
            new AnonymousAuthenticator(true),
            Authorizer.ALLOW_ALL,
            Persistence.of(store, Durability.STRICT));
    Clock clock = Clock.systemUTC();
    api =
        ApiFixture.withStashes(
            broker,
            registry -> {
              directory = StashDirectory.open(registry, Duration.ofSeconds(1));
              broker.interceptors().add(new StashInterceptor(directory, clock));
              return new Stashes(registry, log, clock, directory::poll);
            });
    broker.start();
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
    broker.close();
    directory.close();
    log.close();
    store.close();
  }

  static Mqtt5BlockingClient client(String id) {
    Mqtt5BlockingClient c =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(id)
            .serverHost("127.0.0.1")
            .serverPort(broker.mqttPort())
            .buildBlocking();
    c.connect();
    return c;
  }

  static void publish(Mqtt5BlockingClient c, String topic, String payload) {
    c.publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .userProperties()
        .add("unit", "C")
        .applyUserProperties()
        .send();
  }

  static String text(JsonNode entry) {
    return new String(
        Base64.getDecoder().decode(entry.path("payload").asText()), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "a stash keeps what matches its filter and client ids, with publisher, time and properties,"
          + " in it once acknowledged; browsed with a cursor, downloaded in three formats")
  void keepsBrowsesAndDownloads() throws Exception {
    Http admin = api.as("server-admin");
    Http.Answer added =
        admin.post(
            BASE,
            Map.of(
                "name", "temps", "filter", "lab/+/temp", "clientIds", List.of("dev-1", "dev-2")));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    assertThat(added.json().path("limits").path("entries").asLong()).isEqualTo(100_000);

    Mqtt5BlockingClient dev1 = client("dev-1");
    Mqtt5BlockingClient dev3 = client("dev-3");
    try {
      publish(dev1, "lab/1/temp", "21.5"); // kept
      publish(dev3, "lab/3/temp", "19.0"); // another publisher: not kept
      publish(dev1, "lab/1/humidity", "40"); // another topic: not kept
      publish(dev1, "lab/1/temp", "21.7"); // kept
    } finally {
      dev1.disconnect();
      dev3.disconnect();
    }
    // acknowledged (QoS 1, strict) means committed: no waiting
    Http.Answer page = admin.get(BASE + "/temps/entries?limit=1");
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    JsonNode first = page.json().path("items").get(0);
    assertThat(text(first)).isEqualTo("21.5");
    assertThat(first.path("clientId").asText()).isEqualTo("dev-1");
    assertThat(first.path("topic").asText()).isEqualTo("lab/1/temp");
    assertThat(first.path("qos").asInt()).isEqualTo(1);
    assertThat(first.path("address").asText()).startsWith("127.0.0.1:");
    assertThat(first.path("properties").path("userProperties").get(0).get(1).asText())
        .isEqualTo("C");
    String cursor = page.json().path("nextCursor").asText();
    Http.Answer next = admin.get(BASE + "/temps/entries?limit=1&cursor=" + cursor);
    assertThat(next.json().path("items")).extracting(StashesTest::text).containsExactly("21.7");
    assertThat(next.json().path("nextCursor").isNull()).isTrue();
    assertThat(admin.get(BASE + "/temps").json().path("usage").path("entries").asLong())
        .isEqualTo(2);

    Http.Answer json = admin.get(BASE + "/temps/download?frame=1h");
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.header("Content-Disposition")).contains("temps.json");
    assertThat(json.json()).extracting(StashesTest::text).containsExactly("21.5", "21.7");
    Http.Answer csv = admin.get(BASE + "/temps/download?format=csv");
    assertThat(csv.body().lines()).hasSize(3);
    assertThat(admin.get(BASE + "/temps/download?format=ndjson").body().lines()).hasSize(2);
    assertThat(admin.get(BASE + "/temps/download?format=xml").status()).isEqualTo(400);
    assertThat(admin.get(BASE + "/temps/download?frame=soon").field()).isEqualTo("frame");
    assertThat(admin.get(BASE + "/temps/entries?from=2030-01-01T00:00:00Z").json().path("items"))
        .isEmpty();

    assertThat(admin.post(BASE + "/temps/clear", Map.of()).json().path("cleared").asLong())
        .isEqualTo(2);
    assertThat(admin.delete(BASE + "/temps").status()).isEqualTo(204);
    assertThat(admin.get(BASE + "/temps").status()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "bad input is refused whole: an invalid filter, a taken name, a re-send to a '$' topic; a"
          + " viewer cannot change a stash")
  void badInput() {
    Http admin = api.as("server-admin");
    Http.Answer bad = admin.post(BASE, Map.of("name", "b", "filter", "lab/#/x"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("not a valid topic filter");
    assertThat(admin.post(BASE, Map.of("name", "bad name", "filter", "#")).field())
        .isEqualTo("name");
    assertThat(admin.post(BASE, Map.of("name", "b", "filter", "b/#")).status()).isEqualTo(201);
    assertThat(admin.post(BASE, Map.of("name", "b", "filter", "b/#")).status()).isEqualTo(409);
    assertThat(admin.post(BASE + "/b/resend", Map.of("frame", "1h", "topic", "$SYS/x")).field())
        .isEqualTo("topic");
    assertThat(admin.post(BASE + "/b/resend", Map.of()).status()).isEqualTo(400);
    assertThat(api.as("server-viewer").post(BASE, Map.of("name", "v", "filter", "#")).status())
        .isEqualTo(403);
    assertThat(admin.get("/api/v1/hubs/nohub/stashes").status()).isEqualTo(404);
    assertThat(admin.delete(BASE + "/b").status()).isEqualTo(204);
  }

  @Test
  @DisplayName(
      "limits drop the oldest entries and count them; a change applies to the next message")
  void limits() {
    Http admin = api.as("server-admin");
    admin.post(BASE, Map.of("name", "last3", "filter", "lim/#", "maxEntries", 3));
    Mqtt5BlockingClient c = client("lim-pub");
    try {
      for (int i = 1; i <= 5; i++) {
        publish(c, "lim/t", "m" + i);
      }
      JsonNode shown = admin.get(BASE + "/last3").json();
      assertThat(shown.path("usage").path("entries").asLong()).isEqualTo(3);
      assertThat(shown.path("usage").path("dropped").asLong()).isEqualTo(2);
      assertThat(admin.get(BASE + "/last3/entries").json().path("items"))
          .extracting(StashesTest::text)
          .containsExactly("m3", "m4", "m5");
      assertThat(admin.patch(BASE + "/last3", Map.of("maxEntries", 1)).status()).isEqualTo(200);
      publish(c, "lim/t", "m6");
      assertThat(admin.get(BASE + "/last3/entries").json().path("items"))
          .extracting(StashesTest::text)
          .containsExactly("m6");
      assertThat(admin.patch(BASE + "/last3", Map.of("enabled", false)).status()).isEqualTo(200);
      publish(c, "lim/t", "m7");
      publish(c, "lim/u", "m8");
      assertThat(admin.get(BASE + "/last3/entries").json().path("items"))
          .as("off: nothing more appended")
          .extracting(StashesTest::text)
          .containsExactly("m6");
    } finally {
      c.disconnect();
      admin.delete(BASE + "/last3");
    }
  }

  @Test
  @DisplayName("re-send selected entries to their topic, or a range to another topic")
  void resend() {
    Http admin = api.as("server-admin");
    admin.post(BASE, Map.of("name", "rs", "filter", "rs/in/#"));
    Mqtt5BlockingClient pub = client("rs-pub");
    Mqtt5BlockingClient sub = client("rs-sub");
    try (Mqtt5BlockingClient.Mqtt5Publishes got =
        sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter("rs/#").qos(MqttQos.AT_LEAST_ONCE).send();
      publish(pub, "rs/in/a", "one");
      publish(pub, "rs/in/b", "two");
      assertThat(receive(got).getTopic().toString()).isEqualTo("rs/in/a");
      assertThat(receive(got).getTopic().toString()).isEqualTo("rs/in/b");
      JsonNode items = admin.get(BASE + "/rs/entries").json().path("items");
      long secondSeq = items.get(1).path("seq").asLong();

      Http.Answer one = admin.post(BASE + "/rs/resend", Map.of("seqs", List.of(secondSeq)));
      assertThat(one.json().path("resent").asLong()).as(one.body()).isEqualTo(1);
      Mqtt5Publish again = receive(got);
      assertThat(again.getTopic().toString()).isEqualTo("rs/in/b");
      assertThat(new String(again.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("two");
      assertThat(again.getUserProperties().asList()).hasSize(1);

      Http.Answer all =
          admin.post(BASE + "/rs/resend", Map.of("frame", "1h", "topic", "rs/out", "rate", 100));
      assertThat(all.json().path("resent").asLong()).isEqualTo(2);
      Mqtt5Publish r1 = receive(got);
      Mqtt5Publish r2 = receive(got);
      assertThat(List.of(r1.getTopic().toString(), r2.getTopic().toString()))
          .containsExactly("rs/out", "rs/out");
      assertThat(new String(r2.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("two");
      assertThat(admin.get(BASE + "/rs").json().path("usage").path("entries").asLong())
          .as("re-sent messages are not stashed again")
          .isEqualTo(2);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      pub.disconnect();
      sub.disconnect();
      admin.delete(BASE + "/rs");
    }
  }

  static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes got) throws InterruptedException {
    return got.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("none came"));
  }

  @Test
  @DisplayName("a download of 100,000 entries streams to the client, which counts them")
  void largeDownloadStreams() throws Exception {
    Http admin = api.as("server-admin");
    admin.post(BASE, Map.of("name", "big", "filter", "big/#", "maxEntries", 0, "maxBytes", 0));
    int n = 100_000;
    List<dev.switchboard.broker.persist.Change> batch = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(
          new dev.switchboard.broker.persist.Change.AppendToLog(
              new dev.switchboard.broker.persist.LogEntry(
                  "default",
                  "big",
                  System.currentTimeMillis(),
                  "bulk",
                  null,
                  null,
                  "big/t",
                  0,
                  false,
                  null,
                  new byte[] {(byte) i},
                  dev.switchboard.broker.persist.LogEntry.Limits.NONE)));
    }
    broker.journal().appendAll(batch);
    await().atMost(Duration.ofSeconds(30)).until(() -> log.counts("default", "big").entries() == n);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(api.base + BASE + "/big/download?format=ndjson"))
            .header("Authorization", "Bearer " + api.tokens.get("server-admin"))
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    long lines = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      while (r.readLine() != null) {
        lines++;
      }
    }
    assertThat(lines).isEqualTo(n);
    admin.delete(BASE + "/big");
  }
}
