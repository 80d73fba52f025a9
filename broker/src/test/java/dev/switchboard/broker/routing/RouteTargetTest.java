package dev.switchboard.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The route target seam: a PUBLISH goes to this node's sessions and to every route target (the
 * cluster's other nodes), which count the subscribers they reach; {@code $SYS} stays on the node,
 * and what a target brings in is delivered locally only.
 */
class RouteTargetTest {
  /** A target standing for another node whose subscribers want {@code remote/#}. */
  private static final class RecordingTarget implements RouteTarget {
    final List<Message> received = new CopyOnWriteArrayList<>();

    @Override
    public int route(Message message) {
      received.add(message);
      return message.topic().startsWith("remote/") ? 1 : 0;
    }
  }

  private final List<RawClient> clients = new ArrayList<>();
  private TestBroker broker;

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private RawClient connected(String clientId) {
    RawClient c = RawClient.connect(broker.port(), MqttVersion.V5, clientId);
    clients.add(c);
    return c;
  }

  private static Publish publish(String topic, String payload, int packetId) {
    return new Publish(
        topic,
        payload.getBytes(StandardCharsets.UTF_8),
        1,
        false,
        false,
        packetId,
        MqttProperties.EMPTY);
  }

  @Test
  @DisplayName(
      "a second route target gets every client message and will once, after the local copies;"
          + " its subscribers count for the acknowledgement (no 0x10); $SYS and messages it brought"
          + " in do not go to it")
  void secondTargetGetsExactlyWhatItShould() {
    broker = TestBroker.start(c -> c.withSysInterval(Duration.ofMillis(50)));
    RecordingTarget target = new RecordingTarget();
    broker.broker().router().addTarget(target);
    RawClient local = connected("local");
    local.send(
        new Subscribe(
            1,
            List.of(new Subscription("local/#", 1), new Subscription("$SYS/broker/uptime", 0)),
            MqttProperties.EMPTY));
    assertThat(local.expect(SubAck.class).reasonCodes()).containsExactly(1, 0);
    RawClient pub = connected("pub");

    pub.send(publish("local/a", "1", 1));
    assertThat(pub.expect(PubAck.class).reasonCode()).isZero();
    pub.send(publish("remote/b", "2", 2));
    assertThat(pub.expect(PubAck.class).reasonCode())
        .as("a remote subscriber counts as a match")
        .isZero();
    pub.send(publish("nowhere/c", "3", 3));
    assertThat(pub.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);

    // brought in from another node: delivered here, not sent back out
    broker
        .broker()
        .router()
        .deliverLocally(
            new Message(
                "local/from-remote",
                "4".getBytes(StandardCharsets.UTF_8),
                0,
                false,
                MqttProperties.EMPTY,
                "elsewhere",
                Message.NEVER));

    // a will goes to the targets as any PUBLISH does
    RawClient dying = RawClient.open(broker.port(), MqttVersion.V5);
    clients.add(dying);
    dying.connect(
        "dying",
        true,
        60,
        MqttProperties.EMPTY,
        new Will(
            "remote/will", "5".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY));
    dying.drop();

    List<String> localTopics = new ArrayList<>();
    boolean sawSys = false;
    while (localTopics.size() < 2 || !sawSys) {
      Publish p = local.expect(Publish.class);
      if (p.topic().startsWith("$SYS/")) {
        sawSys = true;
      } else {
        localTopics.add(p.topic());
      }
    }
    assertThat(localTopics).containsExactly("local/a", "local/from-remote");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(target.received)
                    .extracting(Message::topic)
                    .containsExactly("local/a", "remote/b", "nowhere/c", "remote/will"));
    assertThat(target.received.get(0).publisherId()).isEqualTo("pub");
  }

  @Test
  @DisplayName("a removed target gets nothing more; the local subscribers still get everything")
  void removedTarget() {
    broker = TestBroker.start();
    RecordingTarget target = new RecordingTarget();
    broker.broker().router().addTarget(target);
    RawClient local = connected("local");
    local.send(new Subscribe(1, List.of(new Subscription("t/#", 1)), MqttProperties.EMPTY));
    local.expect(SubAck.class);
    RawClient pub = connected("pub");
    pub.send(publish("t/1", "before", 1));
    pub.expect(PubAck.class);
    broker.broker().router().removeTarget(target);
    pub.send(publish("t/2", "after", 2));
    pub.expect(PubAck.class);

    assertThat(local.expect(Publish.class).topic()).isEqualTo("t/1");
    assertThat(local.expect(Publish.class).topic()).isEqualTo("t/2");
    assertThat(target.received).extracting(Message::topic).containsExactly("t/1");
  }
}
