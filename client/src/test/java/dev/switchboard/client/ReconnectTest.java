package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.MosquittoBroker;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reconnection after the broker restarts, and the extensions that matter then. */
@ExtendWith(NettyLeakDetectorExtension.class)
@DisplayName("Reconnecting after a broker restart")
class ReconnectTest {
  @TempDir Path dir;

  private static MqttClientConfig.Builder config(String uri, String id) {
    return MqttClientConfig.builder()
        .broker(b -> b.uri(uri))
        .credentials(c -> c.clientId(id))
        .network(n -> n.reconnectTimeout(Duration.ofMillis(200)));
  }

  @Test
  @DisplayName("Mosquitto restarts: DISCONNECTED, reconnect, and a QoS 1 message sent meanwhile")
  void mosquittoRestart() {
    Assumptions.assumeTrue(MosquittoBroker.available(), () -> MosquittoBroker.skipReason().get());
    try (MosquittoBroker m = MosquittoBroker.builder().start()) {
      String uri = "mqtt://127.0.0.1:" + m.port();
      Recorder rec = new Recorder();
      Recorder subRec = new Recorder();
      try (MqttClient client = MqttClient.init(config(uri, "restart-pub").build());
          MqttClient sub =
              MqttClient.init(
                  config(uri, "restart-sub").session(s -> s.disableCleanSession(true)).build())) {
        client.registerEvent(MqttEventId.ANY, rec);
        sub.registerEvent(MqttEventId.ANY, subRec);
        client.start();
        sub.start();
        rec.await(MqttEventId.CONNECTED);
        subRec.await(MqttEventId.CONNECTED);
        sub.subscribe("restart/t", 1);
        subRec.await(MqttEventId.SUBSCRIBED);

        m.stop();
        rec.await(MqttEventId.DISCONNECTED);
        subRec.await(MqttEventId.DISCONNECTED);
        int id = client.publish("restart/t", "while down", 1, false);
        assertThat(id).isPositive();
        rec.awaitCount(MqttEventId.BEFORE_CONNECT, 2); // reconnecting meets a closed port
        m.start(); // persistence off: the subscriber's session is gone, so it subscribes again
        rec.awaitCount(MqttEventId.CONNECTED, 2);
        subRec.awaitCount(MqttEventId.CONNECTED, 2);
        assertThat(subRec.of(MqttEventId.CONNECTED).get(1).sessionPresent()).isFalse();
        assertThat(rec.await(MqttEventId.PUBLISHED).msgId()).isEqualTo(id);
        assertThat(rec.ids())
            .containsSubsequence(
                MqttEventId.CONNECTED,
                MqttEventId.ERROR,
                MqttEventId.DISCONNECTED,
                MqttEventId.BEFORE_CONNECT,
                MqttEventId.CONNECTED,
                MqttEventId.PUBLISHED);
      }
    }
  }

  @Test
  @DisplayName("Extension: resubscribe after a reconnect that found no session (our broker)")
  void resubscribe() throws Exception {
    TestBroker first = TestBroker.start();
    int port = first.port();
    String uri = "mqtt://127.0.0.1:" + port;
    Recorder subRec = new Recorder();
    try (MqttClient sub =
        MqttClient.init(config(uri, "resub").extensions(e -> e.resubscribe(true)).build())) {
      sub.registerEvent(MqttEventId.ANY, subRec);
      sub.start();
      subRec.await(MqttEventId.CONNECTED);
      sub.subscribe("resub/#", 1);
      subRec.await(MqttEventId.SUBSCRIBED);
      first.close();
      subRec.await(MqttEventId.DISCONNECTED);
      try (TestBroker second = TestBroker.start(c -> c.withPort(port))) {
        subRec.awaitCount(MqttEventId.SUBSCRIBED, 2);
        try (MqttClient pub = MqttClient.init(config(uri, "resub-pub").build())) {
          Recorder pubRec = new Recorder();
          pub.registerEvent(MqttEventId.ANY, pubRec);
          pub.start();
          pubRec.await(MqttEventId.CONNECTED);
          pub.publish("resub/x", "again", 1, false);
          assertThat(subRec.await(MqttEventId.DATA).dataAsString()).isEqualTo("again");
        }
      }
    }
  }

  @Test
  @DisplayName("Extension: backoff retries at once, then at growing delays (not the 10 s timeout)")
  void backoff() throws Exception {
    try (FakeBroker closed = new FakeBroker()) {
      closed.close();
      try (MqttClient client =
          MqttClient.init(
              MqttClientConfig.builder()
                  .broker(b -> b.uri(closed.uri()))
                  .extensions(e -> e.backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
                  .build())) {
        Recorder rec = new Recorder();
        client.registerEvent(MqttEventId.ANY, rec);
        client.start();
        // With the default 10 s reconnect timeout, four attempts would take 30 s.
        rec.awaitCount(MqttEventId.BEFORE_CONNECT, 4);
        assertThat(rec.of(MqttEventId.ERROR)).allMatch(e -> e.errorHandle().sockErrno() == 111);
      }
    }
  }

  @Test
  @DisplayName("Extension: the outbox in a file survives a restart of the program")
  void outboxFile() throws Exception {
    Path file = dir.resolve("outbox.bin");
    try (FakeBroker closed = new FakeBroker()) {
      closed.close();
      MqttClientConfig offline =
          config(closed.uri(), "durable").extensions(e -> e.outboxFile(file)).build();
      MqttClient client = MqttClient.init(offline);
      int id1 = client.publish("durable/1", "first", 1, false);
      int id2 = client.publish("durable/2", "second", 2, false);
      assertThat(id1).isPositive();
      assertThat(id2).isPositive();
      client.destroy();
      assertThat(Files.size(file)).isPositive();
    }
    try (TestBroker broker = TestBroker.start()) {
      String uri = "mqtt://127.0.0.1:" + broker.port();
      Recorder subRec = new Recorder();
      try (MqttClient sub = MqttClient.init(config(uri, "durable-sub").build())) {
        sub.registerEvent(MqttEventId.ANY, subRec);
        sub.start();
        subRec.await(MqttEventId.CONNECTED);
        sub.subscribe("durable/#", 2);
        subRec.await(MqttEventId.SUBSCRIBED);
        Recorder rec = new Recorder();
        try (MqttClient again =
            MqttClient.init(config(uri, "durable").extensions(e -> e.outboxFile(file)).build())) {
          assertThat(again.getOutboxSize()).isPositive();
          again.registerEvent(MqttEventId.ANY, rec);
          again.start();
          rec.awaitCount(MqttEventId.PUBLISHED, 2);
          assertThat(again.getOutboxSize()).isZero();
        }
        subRec.awaitCount(MqttEventId.DATA, 2);
        assertThat(subRec.of(MqttEventId.DATA).stream().map(MqttEvent::dataAsString))
            .containsExactly("first", "second");
      }
      try (MqttClient third =
          MqttClient.init(config(uri, "durable").extensions(e -> e.outboxFile(file)).build())) {
        assertThat(third.getOutboxSize())
            .as("acknowledged entries are gone from the file")
            .isZero();
      }
    }
  }
}
