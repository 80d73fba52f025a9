package dev.switchboard.cluster.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.broker.message.Message;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterSerializerTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) throws Exception {
    Serialization s = SerializationExtension.get(Adapter.toClassic(kit.system()));
    var serializer = s.findSerializerFor(o);
    assertThat(serializer).isInstanceOf(ClusterSerializer.class);
    byte[] bytes = serializer.toBinary(o);
    return s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o))
        .get();
  }

  @Test
  @DisplayName(
      "the serializer counts the batches it writes and their bytes on its actor system; other"
          + " messages are not counted")
  void countsBatches() {
    Serialization s = SerializationExtension.get(Adapter.toClassic(kit.system()));
    WireCounters counters = WireCounters.of(Adapter.toClassic(kit.system()));
    TestProbe<ForwardAck> probe = kit.createTestProbe();
    Message m =
        new Message(
            "t/1", new byte[100], 1, false, MqttProperties.EMPTY, "p", Message.NEVER, "default");
    ForwardBatch batch =
        new ForwardBatch("a#1", probe.ref(), List.of(new ForwardedMessage(1, m, Set.of())));
    long batches = counters.batches();
    long bytes = counters.bytes();
    byte[] written = s.findSerializerFor(batch).toBinary(batch);
    s.findSerializerFor(new ForwardAck(new long[] {1})).toBinary(new ForwardAck(new long[] {1}));
    assertThat(counters.batches() - batches).isEqualTo(1);
    assertThat(counters.bytes() - bytes).isEqualTo(written.length).isGreaterThan(100);
  }

  @Test
  @DisplayName(
      "a batch crosses with every field: hub, topic, payload, QoS, retain, properties, publisher,"
          + " expiry as time left, shared groups, and the reply-to reference")
  void batch() throws Exception {
    TestProbe<ForwardAck> probe = kit.createTestProbe();
    MqttProperties props =
        MqttProperties.builder().contentType("text/plain").responseTopic("re/ply").build();
    long expires = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Message a =
        new Message(
            "t/ä/1",
            "héllo".getBytes(StandardCharsets.UTF_8),
            2,
            true,
            props,
            "pub-1",
            expires,
            "hub-a");
    Message b =
        new Message("t/2", new byte[0], 0, false, MqttProperties.EMPTY, null, Message.NEVER);
    ForwardBatch in =
        new ForwardBatch(
            "origin#1",
            probe.ref(),
            List.of(
                new ForwardedMessage(7, a, Set.of("$share/g/t/#")),
                new ForwardedMessage(0, b, Set.of())));
    ForwardBatch out = (ForwardBatch) roundTrip(in);
    assertThat(out.origin()).isEqualTo("origin#1");
    assertThat(out.replyTo()).isEqualTo(probe.ref());
    ForwardedMessage fa = out.messages().get(0);
    assertThat(fa.seq()).isEqualTo(7);
    assertThat(fa.sharedGroups()).containsExactly("$share/g/t/#");
    Message ma = fa.message();
    assertThat(ma.topic()).isEqualTo("t/ä/1");
    assertThat(new String(ma.payload(), StandardCharsets.UTF_8)).isEqualTo("héllo");
    assertThat(ma.qos()).isEqualTo(2);
    assertThat(ma.retain()).isTrue();
    assertThat(ma.hub()).isEqualTo("hub-a");
    assertThat(ma.publisherId()).isEqualTo("pub-1");
    assertThat(ma.properties().contentType()).isEqualTo("text/plain");
    assertThat(ma.properties().responseTopic()).isEqualTo("re/ply");
    assertThat(ma.remainingExpirySeconds(System.nanoTime())).isBetween(28L, 30L);
    Message mb = out.messages().get(1).message();
    assertThat(mb.payload()).isEmpty();
    assertThat(mb.publisherId()).isNull();
    assertThat(mb.expiresAtNanos()).isEqualTo(Message.NEVER);
    assertThat(mb.hub()).isEqualTo("default");
    assertThat(out.messages().get(1).acknowledged()).isFalse();
  }

  @Test
  @DisplayName("ownership's claim, grant, release and released cross with their fields and refs")
  void ownership() throws Exception {
    TestProbe<OwnershipAgentCommand> agent = kit.createTestProbe();
    TestProbe<OwnerCommand> owner = kit.createTestProbe();
    assertThat(roundTrip(new Claim("hub", "dev-1", "node#1", 42, agent.ref(), true)))
        .isEqualTo(new Claim("hub", "dev-1", "node#1", 42, agent.ref(), true));
    assertThat(roundTrip(new Claim("hub", "dev-1", "node#1", 42, agent.ref(), false)))
        .isEqualTo(new Claim("hub", "dev-1", "node#1", 42, agent.ref(), false));
    assertThat(roundTrip(new Granted(42))).isEqualTo(new Granted(42));
    assertThat(roundTrip(new Granted(43, List.of("node#1", "node-ü#2"))))
        .isEqualTo(new Granted(43, List.of("node#1", "node-ü#2")));
    // from a node that predates the list: only the claim id
    Serialization s = SerializationExtension.get(Adapter.toClassic(kit.system()));
    var serializer = s.findSerializerFor(new Granted(44));
    assertThat(
            s.deserialize(
                    java.nio.ByteBuffer.allocate(8).putLong(44).array(),
                    serializer.identifier(),
                    ClusterSerializer.GRANTED)
                .get())
        .isEqualTo(new Granted(44));
    assertThat(roundTrip(new Release("default", "dev-ü", 7, owner.ref(), true)))
        .isEqualTo(new Release("default", "dev-ü", 7, owner.ref(), true));
    assertThat(roundTrip(new Released(7, "node#2"))).isEqualTo(new Released(7, "node#2"));
  }

  @Test
  @DisplayName("an acknowledgement crosses with its numbers")
  void ack() throws Exception {
    ForwardAck out = (ForwardAck) roundTrip(new ForwardAck(new long[] {1, 2, 9}));
    assertThat(out.seqs()).containsExactly(1, 2, 9);
  }
}
