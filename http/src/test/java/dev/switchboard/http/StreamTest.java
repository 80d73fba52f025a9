package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/hubs/{hub}/stream}: Server-Sent Events read by a real HTTP client
 * (java.net.http), fed by real MQTT publishers; a slow reader loses messages, counted in the
 * stream.
 */
class StreamTest {
  /** Messages a stream holds for its reader in this test: small, so that a slow one loses some. */
  static final int BUFFER = 16;

  static ApiFixture api;
  static HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.withBroker(HttpSettings.loopback().withStreams(BUFFER, 100));
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  /** One event of a stream. */
  record Event(String name, JsonNode data) {}

  static HttpResponse<InputStream> open(String caller, String hub, String filter) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    api.base
                        + "/api/v1/hubs/"
                        + hub
                        + "/stream?filter="
                        + java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8)))
            .header("Authorization", "Bearer " + api.tokens.get(caller))
            .header("Accept", "text/event-stream")
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Reads events on a thread of its own into a queue (comments are skipped). */
  static BlockingQueue<Event> events(InputStream in) {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String name = null;
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("event: ")) {
                    name = line.substring(7);
                  } else if (line.startsWith("data: ")) {
                    events.add(new Event(name, Http.JSON.readTree(line.substring(6))));
                  }
                }
              } catch (IOException e) {
                // closed by the test
              }
            });
    return events;
  }

  static Event next(BlockingQueue<Event> events) throws InterruptedException {
    Event e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10 s").isNotNull();
    return e;
  }

  Mqtt5BlockingClient publisher(String clientId, String user) {
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
    c.connect();
    return c;
  }

  @Test
  void anMqttPublishReachesAnSseStreamOfItsHubMatchingItsFilter() throws Exception {
    HttpResponse<InputStream> response = open("team3-viewer", "team3", "lab/#");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    BlockingQueue<Event> events = events(response.body());
    Event ready = next(events);
    assertThat(ready.name()).isEqualTo("ready");
    assertThat(ready.data().path("filter").asText()).isEqualTo("lab/#");

    Mqtt5BlockingClient pub = publisher("sse-pub", "pub@team3");
    Mqtt5BlockingClient other = publisher("sse-pub4", "pub@team4");
    try {
      pub.publishWith().topic("lab/1").payload("hello".getBytes(StandardCharsets.UTF_8)).send();
      Event first = next(events);
      assertThat(first.name()).isEqualTo("message");
      assertThat(first.data().path("topic").asText()).isEqualTo("lab/1");
      assertThat(first.data().path("payload").asText()).isEqualTo("hello");
      // neither another topic nor another hub's lab/1 comes; the next matching one does
      pub.publishWith().topic("other/1").payload(new byte[] {1}).send();
      other.publishWith().topic("lab/1").payload(new byte[] {2}).send();
      pub.publishWith()
          .topic("lab/2")
          .payload(new byte[] {(byte) 0xff, 0})
          .contentType("application/octet-stream")
          .send();
      Event second = next(events);
      assertThat(second.data().path("topic").asText()).isEqualTo("lab/2");
      assertThat(second.data().path("payloadBase64").asText()).isEqualTo("/wA=");
      assertThat(second.data().path("properties").path("contentType").asText())
          .isEqualTo("application/octet-stream");
      // a REST publish reaches the stream too
      api.as("team3-admin")
          .post("/api/v1/hubs/team3/publish", Map.of("topic", "lab/rest", "payload", "r"));
      assertThat(next(events).data().path("topic").asText()).isEqualTo("lab/rest");
      assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    } finally {
      pub.disconnect();
      other.disconnect();
      response.body().close();
    }
  }

  @Test
  void aSlowReaderLosesMessagesCountedInTheStreamAndTheServerGoesOn() throws Exception {
    HttpResponse<InputStream> response = open("team3-viewer", "team3", "bulk/#");
    InputStream in = response.body();
    // the ready event, read by hand: then nothing more is read while the messages are published
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\n\n")) {
      int b = in.read();
      assertThat(b).isNotNegative();
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("event: ready");
    int published = 400;
    String payload = "x".repeat(64 * 1024); // 25 MB in all: more than the sockets' buffers hold
    Http admin = api.as("team3-admin");
    for (int i = 0; i < published; i++) {
      Http.Answer a =
          admin.post(
              "/api/v1/hubs/team3/publish", Map.of("topic", "bulk/" + i, "payload", payload));
      assertThat(a.status()).isEqualTo(200);
    }
    // now read everything: every message either arrived or was reported dropped
    AtomicLong received = new AtomicLong();
    AtomicLong dropped = new AtomicLong();
    AtomicLong reportedTotal = new AtomicLong();
    BlockingQueue<Event> events = events(in);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  Event e = events.take();
                  if (e.name().equals("message")
                      && e.data().path("topic").asText().startsWith("bulk/")) {
                    received.incrementAndGet();
                  } else if (e.name().equals("dropped")) {
                    dropped.addAndGet(e.data().path("dropped").asLong());
                    reportedTotal.set(e.data().path("total").asLong());
                  } else if (e.name().equals("message")) {
                    received.addAndGet(1_000_000); // the marker below
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> received.get() + dropped.get() == published);
      assertThat(dropped.get()).as("the slow reader lost messages").isPositive();
      assertThat(received.get()).as("and got the others").isPositive();
      assertThat(reportedTotal.get()).isEqualTo(dropped.get());
      // the stream goes on once the reader has caught up
      admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "bulk-end/x", "payload", "end"));
      HttpResponse<InputStream> second = open("team3-viewer", "team3", "#");
      BlockingQueue<Event> more = events(second.body());
      assertThat(next(more).name()).isEqualTo("ready");
      admin.post("/api/v1/hubs/team3/publish", Map.of("topic", "bulk/last", "payload", "end"));
      assertThat(next(more).data().path("topic").asText()).isEqualTo("bulk/last");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> received.get() == published - dropped.get() + 1);
      second.body().close();
    } finally {
      in.close();
    }
  }

  @Test
  void streamsCheckTheirFilterAndTheCallersHub() throws Exception {
    assertThat(open("team3-viewer", "team3", "a/#/b").statusCode()).isEqualTo(400);
    assertThat(open("team3-viewer", "team3", "$share/g/a").statusCode()).isEqualTo(400);
    assertThat(open("team4-owner", "team3", "#").statusCode()).isEqualTo(404);
    Http.Answer noFilter = api.as("team3-viewer").get("/api/v1/hubs/team3/stream");
    assertThat(noFilter.status()).isEqualTo(400);
    assertThat(noFilter.field()).isEqualTo("filter");
    HttpResponse<InputStream> ok = open("server-viewer", "team3", "#");
    assertThat(ok.statusCode()).isEqualTo(200);
    ok.body().close();
  }
}
