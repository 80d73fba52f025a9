package dev.switchboard.broker.interop;

import static dev.switchboard.broker.interop.InteropSupport.clientId;
import static dev.switchboard.broker.interop.InteropSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import dev.switchboard.broker.interop.InteropSupport.Closer;
import dev.switchboard.broker.interop.InteropSupport.Inbox;
import dev.switchboard.broker.interop.InteropSupport.Received;
import dev.switchboard.broker.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The HiveMQ MQTT client (1.3.10, blocking API) against the broker over MQTT 5.0 and 3.1.1. */
@DisplayName("Interop: HiveMQ MQTT client")
class HiveMqClientInteropTest {
  private static TestBroker broker;
  private final Closer closer = new Closer();

  /** Why clients of this test lost their connection, e.g. a protocol error they detected. */
  private final Inbox<String> disconnects = new Inbox<>();

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeClients() {
    closer.close();
  }

  // ---------------------------------------------------------------- helpers

  /** A 5.0 client, not connected, whose every incoming PUBLISH lands in {@code inbox}. */
  private Mqtt5BlockingClient v5(String id, Inbox<Mqtt5Publish> inbox) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(id)
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .addDisconnectedListener(
                context ->
                    disconnects.add(
                        id
                            + " disconnected by "
                            + context.getSource()
                            + ": "
                            + (context.getCause() instanceof Mqtt5DisconnectException e
                                ? e.getMqttMessage().getReasonCode() + " " + e.getMessage()
                                : context.getCause())))
            .buildBlocking();
    if (inbox != null) {
      // Registered before CONNECT so that nothing the broker sends first is missed
      client.toAsync().publishes(MqttGlobalPublishFilter.ALL, inbox::add);
    }
    closer.register(
        () -> {
          if (client.getState().isConnectedOrReconnect()) {
            client.disconnect();
          }
        });
    return client;
  }

  private Mqtt3BlockingClient v3(String id, Inbox<Received> inbox) {
    Mqtt3BlockingClient client =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier(id)
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .buildBlocking();
    if (inbox != null) {
      client
          .toAsync()
          .publishes(
              MqttGlobalPublishFilter.ALL,
              p ->
                  inbox.add(
                      Received.of(
                          p.getTopic().toString(),
                          p.getPayloadAsBytes(),
                          p.getQos().getCode(),
                          p.isRetain())));
    }
    closer.register(
        () -> {
          if (client.getState().isConnectedOrReconnect()) {
            client.disconnect();
          }
        });
    return client;
  }

  /** Null while no client of this test lost its connection; else what happened. */
  private String disconnected() {
    return disconnects.size() == 0 ? null : String.join("; ", disconnects.all());
  }

  private static Received summary(Mqtt5Publish p) {
    return Received.of(
        p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain());
  }

  private static List<Received> summaries(List<Mqtt5Publish> publishes) {
    return publishes.stream().map(HiveMqClientInteropTest::summary).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void publish(Mqtt5BlockingClient c, String topic, String payload, int qos) {
    publish(c, topic, utf8(payload), qos, false);
  }

  private static void publish(
      Mqtt5BlockingClient c, String topic, byte[] payload, int qos, boolean retain) {
    c.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).retain(retain).payload(payload).send();
  }

  private static void subscribe(Mqtt5BlockingClient c, String filter, int qos) {
    c.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).send();
  }

  // ---------------------------------------------------------------- MQTT 5.0

  @Test
  @DisplayName("MQTT 5.0: QoS 0, 1 and 2 publish and subscribe [MQTT-3.8.4-8]")
  void v5PublishSubscribeAtEachQos() {
    String base = topic("hive5-qos");
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5sub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5pub"), null);
    sub.connect();
    pub.connect();
    subscribe(sub, base + "/#", 2);

    for (int qos = 0; qos <= 2; qos++) {
      publish(pub, base + "/q" + qos, "hive five " + qos, qos);
    }

    assertThat(summaries(inbox.await(3)))
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "hive five 0", 0, false),
            new Received(base + "/q1", "hive five 1", 1, false),
            new Received(base + "/q2", "hive five 2", 2, false));
  }

  @Test
  @DisplayName("MQTT 5.0: retained set, replaced and cleared [MQTT-3.3.1-5] [MQTT-3.3.1-10]")
  void v5Retained() {
    String t = topic("hive5-retained");
    Mqtt5BlockingClient pub = v5(clientId("h5rpub"), null);
    pub.connect();
    publish(pub, t, utf8("one"), 2, true);
    publish(pub, t, utf8("two"), 1, true);

    Inbox<Mqtt5Publish> first = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5rsub"), first);
    sub.connect();
    subscribe(sub, t, 2);
    assertThat(summaries(first.await(1))).containsExactly(new Received(t, "two", 1, true));

    publish(pub, t, new byte[0], 1, true);
    Inbox<Mqtt5Publish> second = new Inbox<>();
    Mqtt5BlockingClient late = v5(clientId("h5rlate"), second);
    late.connect();
    subscribe(late, t, 2);
    publish(pub, t, "marker", 1);
    assertThat(summaries(second.awaitAndTakeBefore(p -> summary(p).payload().equals("marker"))))
        .as("cleared: no retained message for a new subscription")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "MQTT 5.0: Retain Handling 0 sends retained messages on every SUBSCRIBE, 1 only for a new"
          + " subscription, 2 never [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11]")
  void v5RetainHandling() {
    String base = topic("hive5-retain-handling");
    Mqtt5BlockingClient pub = v5(clientId("h5rhpub"), null);
    pub.connect();
    for (String leaf : List.of("rh0", "rh1", "rh2")) {
      publish(pub, base + "/" + leaf, utf8("kept " + leaf), 1, true);
    }
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5rhsub"), inbox);
    sub.connect();
    for (int round = 1; round <= 2; round++) {
      for (Mqtt5RetainHandling handling : Mqtt5RetainHandling.values()) {
        sub.subscribeWith()
            .topicFilter(base + "/rh" + handling.getCode())
            .qos(MqttQos.AT_LEAST_ONCE)
            .retainHandling(handling)
            .send();
      }
    }
    subscribe(sub, base + "/marker", 1);
    publish(pub, base + "/marker", "marker", 1);

    assertThat(summaries(inbox.awaitAndTakeBefore(p -> summary(p).payload().equals("marker"))))
        .containsExactlyInAnyOrder(
            new Received(base + "/rh0", "kept rh0", 1, true),
            new Received(base + "/rh0", "kept rh0", 1, true),
            new Received(base + "/rh1", "kept rh1", 1, true));
    for (String leaf : List.of("rh0", "rh1", "rh2")) {
      publish(pub, base + "/" + leaf, new byte[0], 1, true);
    }
  }

  @Test
  @DisplayName(
      "MQTT 5.0: topic aliases from the client are resolved, every message keeps its topic"
          + " [MQTT-3.3.2-12]")
  void v5TopicAliasesFromClient() {
    String base = topic("hive5-alias-in");
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5ainsub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5ainpub"), null);
    sub.connect();
    Mqtt5ConnAck ack =
        pub.connectWith().restrictions().sendTopicAliasMaximum(4).applyRestrictions().send();
    assertThat(ack.getRestrictions().getTopicAliasMaximum())
        .as("the broker accepts aliases from clients")
        .isPositive();
    subscribe(sub, base + "/#", 1);

    List<Received> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String t = base + "/sensor" + (i % 3);
      publish(pub, t, "reading " + i, 1);
      expected.add(new Received(t, "reading " + i, 1, false));
    }

    assertThat(summaries(inbox.await(30))).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName(
      "MQTT 5.0: topic aliases towards the client stay within its Topic Alias Maximum"
          + " [MQTT-3.3.2-8] [MQTT-3.3.2-12]")
  void v5TopicAliasesToClient() {
    String base = topic("hive5-alias-out");
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5aoutsub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5aoutpub"), null);
    // Fewer aliases than topics: some topics must keep travelling in full
    sub.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
    pub.connect();
    subscribe(sub, base + "/#", 2);

    List<Received> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String t = base + "/room" + (i % 3);
      publish(pub, t, "value " + i, i % 3);
      expected.add(new Received(t, "value " + i, i % 3, false));
    }

    assertThat(summaries(inbox.await(30)))
        .as("every message resolved to its own topic")
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(sub.getState().isConnected()).as("no protocol error at the client").isTrue();
  }

  /**
   * Connects {@code sub} allowing two topic aliases and packets of 256 bytes at most, connects
   * {@code pub}, and subscribes {@code sub} to everything under {@code base} at QoS 1.
   */
  private void connectWithTwoAliasesAnd256Bytes(
      Mqtt5BlockingClient sub, Mqtt5BlockingClient pub, String base) {
    sub.connectWith()
        .restrictions()
        .topicAliasMaximum(2)
        .maximumPacketSize(256)
        .applyRestrictions()
        .send();
    pub.connect();
    subscribe(sub, base + "/#", 1);
  }

  @Test
  @DisplayName(
      "MQTT 5.0: a message too large for the client is dropped without spoiling a new topic alias"
          + " [MQTT-3.1.2-25] [MQTT-3.3.2-12]")
  void v5TooLargeMessageDoesNotLeaveAnUnsentAlias() {
    String base = topic("hive5-alias-new");
    String big = base + "/big";
    String other = base + "/other";
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5anewsub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5anewpub"), null);
    connectWithTwoAliasesAnd256Bytes(sub, pub, base);

    // The first message on this topic is too large and dropped, so the client never learns an
    // alias for it; the next one must carry the topic name again.
    publish(pub, big, new byte[1024], 1, false);
    publish(pub, big, utf8("small now"), 1, false);
    publish(pub, other, utf8("after"), 1, false);

    assertThat(summaries(inbox.await(2, this::disconnected)))
        .as("the too large message dropped [MQTT-3.1.2-25]; the others under their own topics")
        .containsExactly(
            new Received(big, "small now", 1, false), new Received(other, "after", 1, false));
    assertThat(disconnected()).as("no protocol error at the client").isNull();
  }

  @Test
  @DisplayName(
      "MQTT 5.0: after a too large message, no topic alias is given to two topics"
          + " [MQTT-3.1.2-25] [MQTT-3.3.2-12]")
  void v5TooLargeMessageDoesNotMakeAliasesCollide() {
    String base = topic("hive5-alias-reuse");
    String a = base + "/a";
    String b = base + "/b";
    String c = base + "/c";
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5areusesub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5areusepub"), null);
    connectWithTwoAliasesAnd256Bytes(sub, pub, base);

    publish(pub, a, utf8("a1"), 1, false); // a gets an alias
    publish(pub, b, utf8("b1"), 1, false); // b gets the other
    publish(pub, a, new byte[1024], 1, false); // too large for the client: dropped
    publish(pub, c, utf8("c1"), 1, false);
    publish(pub, b, utf8("b2"), 1, false);
    publish(pub, a, utf8("a2"), 1, false);

    assertThat(summaries(inbox.await(5, this::disconnected)))
        .as("each message under its own topic")
        .containsExactly(
            new Received(a, "a1", 1, false),
            new Received(b, "b1", 1, false),
            new Received(c, "c1", 1, false),
            new Received(b, "b2", 1, false),
            new Received(a, "a2", 1, false));
    assertThat(disconnected()).as("no protocol error at the client").isNull();
  }

  @Test
  @DisplayName(
      "MQTT 5.0: the will is delayed by its Will Delay Interval [MQTT-3.1.3-9] [MQTT-3.14.4-3]")
  void v5WillWithDelay() {
    String willTopic = topic("hive5-will-delay");
    Inbox<Mqtt5Publish> watcher = new Inbox<>();
    Mqtt5BlockingClient watch = v5(clientId("h5wwatch"), watcher);
    Mqtt5BlockingClient dying = v5(clientId("h5wdying"), null);
    watch.connect();
    subscribe(watch, willTopic, 2);
    dying
        .connectWith()
        .sessionExpiryInterval(30)
        .willPublish()
        .topic(willTopic)
        .payload(utf8("delayed goodbye"))
        .qos(MqttQos.EXACTLY_ONCE)
        .contentType("text/plain")
        .delayInterval(1)
        .applyWillPublish()
        .send();

    long disconnectedAt = System.nanoTime();
    dying
        .disconnectWith()
        .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
        .send();
    Mqtt5Publish will = watcher.await(1).get(0);
    Duration after = Duration.ofNanos(System.nanoTime() - disconnectedAt);

    assertThat(summary(will)).isEqualTo(new Received(willTopic, "delayed goodbye", 2, false));
    assertThat(will.getContentType().map(Object::toString)).contains("text/plain");
    assertThat(after).as("sent after the will delay of 1 s").isGreaterThan(Duration.ofMillis(900));
  }

  @Test
  @DisplayName(
      "MQTT 5.0: reconnecting within the Will Delay Interval cancels the will [MQTT-3.1.3-9]")
  void v5WillDelayCancelledByReconnect() {
    String willTopic = topic("hive5-will-cancel");
    String id = clientId("h5wback");
    Inbox<Mqtt5Publish> watcher = new Inbox<>();
    Mqtt5BlockingClient watch = v5(clientId("h5wwatch2"), watcher);
    watch.connect();
    subscribe(watch, willTopic, 1);
    UnaryOperator<Mqtt5BlockingClient> connectWithWill =
        c -> {
          c.connectWith()
              .cleanStart(false)
              .sessionExpiryInterval(30)
              .willPublish()
              .topic(willTopic)
              .payload(utf8("should be cancelled"))
              .qos(MqttQos.AT_LEAST_ONCE)
              .delayInterval(1)
              .applyWillPublish()
              .send();
          return c;
        };
    Mqtt5BlockingClient first = connectWithWill.apply(v5(id, null));
    first
        .disconnectWith()
        .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
        .send();
    Mqtt5BlockingClient back = v5(id, null);
    Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
    assertThat(ack.isSessionPresent()).isTrue();

    // Absence can only be shown by waiting: past the 1 s delay, with margin
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> watcher.size() == 0);
    // and the watcher does receive: a marker published after that wait is the first it gets
    publish(back, willTopic, "marker", 1);
    assertThat(summaries(watcher.awaitAndTakeBefore(p -> summary(p).payload().equals("marker"))))
        .as("no will once the session resumed")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "MQTT 5.0: a will delay longer than the session expiry is cut short by the session's end"
          + " [MQTT-3.1.3-9]")
  void v5WillSentWhenSessionEndsBeforeDelay() {
    String willTopic = topic("hive5-will-expiry");
    Inbox<Mqtt5Publish> watcher = new Inbox<>();
    Mqtt5BlockingClient watch = v5(clientId("h5wwatch3"), watcher);
    Mqtt5BlockingClient dying = v5(clientId("h5wexp"), null);
    watch.connect();
    subscribe(watch, willTopic, 1);
    dying
        .connectWith()
        .sessionExpiryInterval(1)
        .willPublish()
        .topic(willTopic)
        .payload(utf8("session over"))
        .qos(MqttQos.AT_LEAST_ONCE)
        .delayInterval(3600)
        .applyWillPublish()
        .send();
    dying
        .disconnectWith()
        .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
        .send();

    assertThat(summaries(watcher.await(1)))
        .containsExactly(new Received(willTopic, "session over", 1, false));
  }

  @Test
  @DisplayName(
      "MQTT 5.0: the broker keeps within the client's Receive Maximum [MQTT-3.3.4-7]"
          + " [MQTT-3.3.4-9]")
  void v5ReceiveMaximum() {
    String t = topic("hive5-receive-max");
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5rmaxsub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5rmaxpub"), null);
    sub.connectWith().restrictions().receiveMaximum(1).applyRestrictions().send();
    pub.connect();
    subscribe(sub, t, 2);

    List<Received> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int qos = 1 + i % 2;
      publish(pub, t, "flow " + i, qos);
      expected.add(new Received(t, "flow " + i, qos, false));
    }

    assertThat(summaries(inbox.await(40, this::disconnected))).containsExactlyElementsOf(expected);
    assertThat(disconnected()).as("the client saw no Receive Maximum violation").isNull();
  }

  @Test
  @DisplayName(
      "MQTT 5.0: UNSUBSCRIBE stops delivery; UNSUBACK says whether there was a subscription"
          + " [MQTT-3.10.4-1] [MQTT-3.11.3-1]")
  void v5Unsubscribe() {
    String t = topic("hive5-unsub");
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5unsub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5unpub"), null);
    sub.connect();
    pub.connect();
    subscribe(sub, t, 1);
    subscribe(sub, t + "/marker", 1);
    publish(pub, t, "before", 1);
    assertThat(summaries(inbox.await(1))).containsExactly(new Received(t, "before", 1, false));

    assertThat(sub.unsubscribeWith().topicFilter(t).send().getReasonCodes())
        .containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS);
    assertThat(sub.unsubscribeWith().topicFilter(t).send().getReasonCodes())
        .containsExactly(Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);
    publish(pub, t, "after", 1);
    publish(pub, t + "/marker", "marker", 1);
    assertThat(summaries(inbox.awaitAndTakeBefore(p -> summary(p).payload().equals("marker"))))
        .containsExactly(new Received(t, "before", 1, false));
  }

  @Test
  @DisplayName(
      "MQTT 5.0: a second connection with the same client id takes the session over; the first"
          + " gets DISCONNECT 0x8E [MQTT-3.1.4-3]")
  void v5SessionTakeover() {
    String id = clientId("h5takeover");
    String t = topic("hive5-takeover");
    Inbox<Mqtt5Publish> firstInbox = new Inbox<>();
    Inbox<Mqtt5Publish> secondInbox = new Inbox<>();
    Mqtt5BlockingClient first = v5(id, firstInbox);
    Mqtt5BlockingClient pub = v5(clientId("h5takepub"), null);
    first.connectWith().sessionExpiryInterval(30).send();
    pub.connect();
    subscribe(first, t, 1);

    Mqtt5BlockingClient second = v5(id, secondInbox);
    Mqtt5ConnAck ack = second.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
    assertThat(ack.isSessionPresent()).as("the session, with its subscription, moved").isTrue();
    await()
        .atMost(InteropSupport.TIMEOUT)
        .until(() -> disconnected() != null && !first.getState().isConnected());
    assertThat(disconnected())
        .as("the first connection was told why")
        .contains(id)
        .contains("SESSION_TAKEN_OVER");

    publish(pub, t, "to the new connection", 1);
    assertThat(summaries(secondInbox.await(1)))
        .containsExactly(new Received(t, "to the new connection", 1, false));
    assertThat(firstInbox.all()).isEmpty();
  }

  @Test
  @DisplayName(
      "MQTT 5.0: an empty client id gets one assigned in CONNACK [MQTT-3.1.3-6] [MQTT-3.2.2-16]")
  void v5AssignedClientIdentifier() {
    String t = topic("hive5-assigned");
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient anonymous = v5("", inbox);
    Mqtt5ConnAck ack = anonymous.connect();
    assertThat(ack.getAssignedClientIdentifier()).isPresent();
    String assigned = ack.getAssignedClientIdentifier().orElseThrow().toString();
    assertThat(assigned).isNotEmpty();
    assertThat(broker.broker().sessions().get(assigned)).isNotNull();

    subscribe(anonymous, t, 1);
    publish(anonymous, t, "echo", 1);
    assertThat(summaries(inbox.await(1))).containsExactly(new Received(t, "echo", 1, false));
  }

  @Test
  @DisplayName("MQTT 5.0: a 1 MiB payload arrives byte for byte at QoS 1 and 2")
  void v5LargePayload() {
    String t = topic("hive5-large");
    byte[] payload = new byte[1 << 20];
    new Random(7).nextBytes(payload);
    Inbox<Mqtt5Publish> inbox = new Inbox<>();
    Mqtt5BlockingClient sub = v5(clientId("h5bigsub"), inbox);
    Mqtt5BlockingClient pub = v5(clientId("h5bigpub"), null);
    sub.connect();
    pub.connect();
    subscribe(sub, t, 2);
    publish(pub, t, payload, 1, false);
    publish(pub, t, payload, 2, false);

    List<Mqtt5Publish> got = inbox.await(2);
    assertThat(got).extracting(p -> p.getQos().getCode()).containsExactly(1, 2);
    for (Mqtt5Publish p : got) {
      assertThat(p.getTopic().toString()).isEqualTo(t);
      assertThat(p.getPayloadAsBytes()).isEqualTo(payload);
    }
  }

  @Test
  @DisplayName("MQTT 5.0: on shutdown the broker publishes wills and tells clients DISCONNECT 0x8B")
  void v5BrokerShutdown() {
    String willTopic = topic("hive5-shutdown");
    Inbox<Mqtt5Publish> watcher = new Inbox<>();
    try (TestBroker own = TestBroker.start()) {
      Mqtt5BlockingClient watch = onBroker(own, clientId("h5sdwatch"), watcher);
      Mqtt5BlockingClient leaving = onBroker(own, clientId("h5sdleave"), null);
      watch.connect();
      subscribe(watch, willTopic, 1);
      leaving
          .connectWith()
          .willPublish()
          .topic(willTopic)
          .payload(utf8("broker went away"))
          .qos(MqttQos.AT_LEAST_ONCE)
          .applyWillPublish()
          .send();

      own.close();

      assertThat(summaries(watcher.await(1)))
          .containsExactly(new Received(willTopic, "broker went away", 1, false));
      await().atMost(InteropSupport.TIMEOUT).until(() -> disconnects.size() >= 2);
      assertThat(disconnects.all()).allSatisfy(d -> assertThat(d).contains("SERVER_SHUTTING_DOWN"));
    }
  }

  /** A 5.0 client of another broker than the class's. */
  private Mqtt5BlockingClient onBroker(TestBroker other, String id, Inbox<Mqtt5Publish> inbox) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(id)
            .serverHost("127.0.0.1")
            .serverPort(other.port())
            .addDisconnectedListener(
                context ->
                    disconnects.add(
                        id
                            + ": "
                            + (context.getCause() instanceof Mqtt5DisconnectException e
                                ? e.getMqttMessage().getReasonCode()
                                : context.getCause())))
            .buildBlocking();
    if (inbox != null) {
      client.toAsync().publishes(MqttGlobalPublishFilter.ALL, inbox::add);
    }
    closer.register(
        () -> {
          if (client.getState().isConnectedOrReconnect()) {
            client.disconnect();
          }
        });
    return client;
  }

  // ---------------------------------------------------------------- MQTT 3.1.1

  @Test
  @DisplayName("MQTT 3.1.1: QoS 0, 1 and 2 publish and subscribe [MQTT-3.8.4-6]")
  void v3PublishSubscribeAtEachQos() {
    String base = topic("hive3-qos");
    Inbox<Received> atQos2 = new Inbox<>();
    Inbox<Received> atQos1 = new Inbox<>();
    Mqtt3BlockingClient sub2 = v3(clientId("h3sub2"), atQos2);
    Mqtt3BlockingClient sub1 = v3(clientId("h3sub1"), atQos1);
    Mqtt3BlockingClient pub = v3(clientId("h3pub"), null);
    Mqtt3ConnAck ack = sub2.connect();
    assertThat(ack.isSessionPresent()).isFalse();
    sub1.connect();
    pub.connect();
    sub2.subscribeWith().topicFilter(base + "/#").qos(MqttQos.EXACTLY_ONCE).send();
    sub1.subscribeWith().topicFilter(base + "/+").qos(MqttQos.AT_LEAST_ONCE).send();

    for (int qos = 0; qos <= 2; qos++) {
      pub.publishWith()
          .topic(base + "/q" + qos)
          .qos(MqttQos.fromCode(qos))
          .payload(utf8("hive three " + qos))
          .send();
    }

    assertThat(atQos2.await(3))
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "hive three 0", 0, false),
            new Received(base + "/q1", "hive three 1", 1, false),
            new Received(base + "/q2", "hive three 2", 2, false));
    assertThat(atQos1.await(3))
        .containsExactlyInAnyOrder(
            new Received(base + "/q0", "hive three 0", 0, false),
            new Received(base + "/q1", "hive three 1", 1, false),
            new Received(base + "/q2", "hive three 2", 1, false));
  }

  @Test
  @DisplayName("MQTT 3.1.1: retained set, replaced and cleared [MQTT-3.3.1-5] [MQTT-3.3.1-10]")
  void v3Retained() {
    String t = topic("hive3-retained");
    Mqtt3BlockingClient pub = v3(clientId("h3rpub"), null);
    pub.connect();
    pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(utf8("a")).send();
    pub.publishWith().topic(t).qos(MqttQos.EXACTLY_ONCE).retain(true).payload(utf8("b")).send();

    Inbox<Received> first = new Inbox<>();
    Mqtt3BlockingClient sub = v3(clientId("h3rsub"), first);
    sub.connect();
    sub.subscribeWith().topicFilter(t).qos(MqttQos.EXACTLY_ONCE).send();
    assertThat(first.await(1)).containsExactly(new Received(t, "b", 2, true));

    pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).retain(true).send(); // empty: clears
    assertThat(first.await(2).get(1))
        .as("the clearing message still reaches current subscribers, RETAIN clear")
        .isEqualTo(new Received(t, "", 1, false));
    Inbox<Received> second = new Inbox<>();
    Mqtt3BlockingClient late = v3(clientId("h3rlate"), second);
    late.connect();
    late.subscribeWith().topicFilter(t).qos(MqttQos.AT_LEAST_ONCE).send();
    pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("marker")).send();
    assertThat(second.awaitAndTakeBefore(r -> r.payload().equals("marker"))).isEmpty();
  }

  @Test
  @DisplayName(
      "MQTT 3.1.1: a second connection with the same client id closes the first [MQTT-3.1.4-2]")
  void v3SessionTakeover() {
    String id = clientId("h3takeover");
    String t = topic("hive3-takeover");
    Inbox<Received> secondInbox = new Inbox<>();
    Mqtt3BlockingClient first = v3(id, null);
    Mqtt3BlockingClient second = v3(id, secondInbox);
    Mqtt3BlockingClient pub = v3(clientId("h3takepub"), null);
    first.connectWith().cleanSession(false).send();
    first.subscribeWith().topicFilter(t).qos(MqttQos.AT_LEAST_ONCE).send();
    pub.connect();

    Mqtt3ConnAck ack = second.connectWith().cleanSession(false).send();
    assertThat(ack.isSessionPresent()).isTrue();
    await().atMost(InteropSupport.TIMEOUT).until(() -> !first.getState().isConnected());

    pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("to the second")).send();
    assertThat(secondInbox.await(1)).containsExactly(new Received(t, "to the second", 1, false));
    second.disconnect();
    v3(id, null).connectWith().cleanSession(true).send(); // ends the persistent session
  }

  @Test
  @DisplayName("MQTT 5.0 and 3.1.1 clients exchange messages both ways")
  void v5AndV3Together() {
    String t = topic("hive-mixed");
    Inbox<Mqtt5Publish> at5 = new Inbox<>();
    Inbox<Received> at3 = new Inbox<>();
    Mqtt5BlockingClient five = v5(clientId("h5mix"), at5);
    Mqtt3BlockingClient three = v3(clientId("h3mix"), at3);
    five.connect();
    three.connect();
    subscribe(five, t + "/to5", 2);
    three.subscribeWith().topicFilter(t + "/to3").qos(MqttQos.EXACTLY_ONCE).send();

    three.publishWith().topic(t + "/to5").qos(MqttQos.EXACTLY_ONCE).payload(utf8("3->5")).send();
    five.publishWith()
        .topic(t + "/to3")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(utf8("5->3"))
        .userProperties()
        .add("dropped", "for 3.1.1")
        .applyUserProperties()
        .send();

    assertThat(summaries(at5.await(1))).containsExactly(new Received(t + "/to5", "3->5", 2, false));
    assertThat(at3.await(1)).containsExactly(new Received(t + "/to3", "5->3", 1, false));
    assertThat(at5.all().get(0).getUserProperties().asList())
        .as("a 3.1.1 publisher has no user properties to forward")
        .isEmpty();
  }
}
