package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.testing.NettyLeakDetectorExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab handout's example (Prática 7, "MQTT – Event – examples"): on CONNECTED it publishes
 * "/topic/qos1" "data_3" at QoS 1, subscribes "/topic/qos0" at QoS 0 and "/topic/qos1" at QoS 1,
 * and unsubscribes "/topic/qos1". Every event must come, in order, with the message ids the calls
 * returned, on every transport of both brokers.
 */
@ExtendWith(NettyLeakDetectorExtension.class)
@DisplayName("The lab handout's ESP-MQTT example, event by event")
class LabExampleTest {
  @TempDir static Path dir;
  static Brokers brokers;

  @BeforeAll
  static void start() throws Exception {
    brokers = new Brokers(dir);
  }

  @AfterAll
  static void stop() {
    brokers.close();
  }

  static Stream<Brokers.Target> targets() {
    return brokers.targets().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void everyEventInOrder(Brokers.Target target) {
    target.assumeAvailable();
    Recorder rec = new Recorder();
    List<Integer> msgIds = new CopyOnWriteArrayList<>();
    try (MqttClient client = MqttClient.init(brokers.config(target, "device_x").build())) {
      client.registerEvent(MqttEventId.ANY, rec);
      client.registerEvent(
          MqttEventId.CONNECTED,
          event -> {
            MqttClient c = event.client();
            msgIds.add(c.publish("/topic/qos1", "data_3", 1, false));
            msgIds.add(c.subscribe("/topic/qos0", 0));
            msgIds.add(c.subscribe("/topic/qos1", 1));
            msgIds.add(c.unsubscribe("/topic/qos1"));
          });
      client.start();
      rec.await(MqttEventId.UNSUBSCRIBED);
      assertThat(client.getState()).isEqualTo(MqttClientState.CONNECTED);
      client.stop();
      assertThat(client.getState()).isEqualTo(MqttClientState.DISCONNECTED);
    }
    assertThat(rec.ids())
        .containsExactly(
            MqttEventId.BEFORE_CONNECT,
            MqttEventId.CONNECTED,
            MqttEventId.PUBLISHED,
            MqttEventId.SUBSCRIBED,
            MqttEventId.SUBSCRIBED,
            MqttEventId.UNSUBSCRIBED);
    assertThat(msgIds).hasSize(4).allMatch(id -> id > 0).doesNotHaveDuplicates();
    List<MqttEvent> e = rec.events;
    assertThat(e.get(1).sessionPresent()).isFalse();
    assertThat(e.get(2).msgId()).isEqualTo(msgIds.get(0));
    assertThat(e.get(3).msgId()).isEqualTo(msgIds.get(1));
    assertThat(e.get(3).data()).containsExactly(0); // SUBACK: granted QoS 0
    assertThat(e.get(3).errorHandle()).isNull();
    assertThat(e.get(4).msgId()).isEqualTo(msgIds.get(2));
    assertThat(e.get(4).data()).containsExactly(1);
    assertThat(e.get(5).msgId()).isEqualTo(msgIds.get(3));
    assertThat(rec.threads).allMatch(t -> t.startsWith("mqtt_task device_x"));
  }
}
