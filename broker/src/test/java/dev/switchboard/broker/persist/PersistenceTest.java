package dev.switchboard.broker.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.packet.UserProperty;
import dev.switchboard.mqtt.packet.Will;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The broker with a store, in strict durability: what a persistent session, a QoS 2 exchange or a
 * retained message leaves in the store, and what a broker started again on that store makes of it.
 * A "restart" closes the broker and starts a new one on the same {@link MemoryStore}; a crash is a
 * store filled by hand. The broker runs one event loop, so that a publisher and its subscribers
 * share it: the order in which they write to the journal is then always the same.
 */
@DisplayName("Persistence: sessions, messages, QoS 2 state and retained messages across a restart")
@Execution(ExecutionMode.CONCURRENT)
class PersistenceTest {

  /** Runs a test once for MQTT 3.1.1 and once for MQTT 5.0. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "MQTT {0}")
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @interface BothVersions {}

  private static final MqttVersion V311 = MqttVersion.V3_1_1;
  private static final MqttVersion V5 = MqttVersion.V5;
  private static final Duration QUIET = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final MqttProperties NO_PROPS = MqttProperties.EMPTY;

  private final MemoryStore store = new MemoryStore();
  private final List<RawClient> clients = new ArrayList<>();
  private UnaryOperator<BrokerConfig> customize = c -> c;
  private Persistence persistence = Persistence.of(store, Durability.STRICT);
  private Broker broker;
  private int packetIds;

  @AfterEach
  void closeEverything() {
    store.unblock();
    for (RawClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  // ---------------------------------------------------------------- persistent sessions

  @BothVersions
  @DisplayName(
      "a persistent session's subscriptions and the QoS 1 and 2 messages queued for it while"
          + " offline survive a restart: session present, every message in order, at the granted"
          + " QoS, with its subscription identifiers (5.0)")
  void offlineSessionSurvivesRestart(MqttVersion v) {
    start();
    RawClient sub = connectPersistent(v, "sub");
    assertThat(subscribe(sub, subscriptionId(v, 11), new Subscription("p/one", 1)).reasonCodes())
        .containsExactly(1);
    assertThat(subscribe(sub, subscriptionId(v, 22), new Subscription("p/two", 2)).reasonCodes())
        .containsExactly(2);
    disconnect(sub);
    RawClient pub = connect(v, "pub");
    publish(pub, "p/one", "a", 1);
    publish(pub, "p/two", "b", 2);
    publish(pub, "p/one", "c", 2); // granted 1
    publish(pub, "p/two", "d", 1);
    publish(pub, "p/two", "e", 2);

    restart();
    assertThat(store.sessions())
        .as("only the persistent session is stored")
        .containsOnlyKeys("sub");
    assertThat(store.messages())
        .extracting(q -> text(q.message().payload()))
        .containsExactly("a", "b", "c", "d", "e");
    RawClient back = resume(v, "sub");
    List<Publish> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      got.add(receive(back));
    }
    assertThat(got).extracting(PersistenceTest::text).containsExactly("a", "b", "c", "d", "e");
    assertThat(got)
        .extracting(Publish::topic)
        .containsExactly("p/one", "p/two", "p/one", "p/two", "p/two");
    assertThat(got).extracting(Publish::qos).containsExactly(1, 2, 1, 1, 2);
    assertThat(got).extracting(Publish::dup).containsOnly(false);
    if (v == V5) {
      assertThat(got)
          .extracting(p -> p.properties().subscriptionIdentifiers())
          .containsExactly(List.of(11), List.of(22), List.of(11), List.of(22), List.of(22));
    }
    back.expectNothing(QUIET);
    await().atMost(WAIT).until(() -> store.messages().isEmpty());
    assertThat(store.subscriptions())
        .extracting(StoredSubscription::filterKey, StoredSubscription::qos)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("p/one", 1),
            org.assertj.core.groups.Tuple.tuple("p/two", 2));
  }

  @BothVersions
  @DisplayName(
      "QoS 1 and 2 messages sent to the subscriber and not acknowledged are sent again after a"
          + " restart with DUP set and the same packet ids [MQTT-4.4.0-1]")
  void unacknowledgedResentWithDup(MqttVersion v) {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "r/#", 2);
    RawClient pub = connect(v, "pub");
    // Two delivered and acknowledged first: the ids in flight are not the first a session picks
    for (int i = 0; i < 2; i++) {
      publish(pub, "r/x", "ok" + i, 1);
      assertThat(text(receive(sub))).isEqualTo("ok" + i);
    }
    await().atMost(WAIT).until(() -> store.messages().isEmpty()); // their PUBACKs are handled
    publish(pub, "r/x", "one", 1);
    Publish first = sub.expect(Publish.class);
    publish(pub, "r/x", "two", 2);
    Publish second = sub.expect(Publish.class);
    assertThat(List.of(first.qos(), second.qos())).containsExactly(1, 2);

    restart();
    RawClient back = resume(v, "sub");
    Publish again1 = back.expect(Publish.class);
    Publish again2 = back.expect(Publish.class);
    assertThat(text(again1)).isEqualTo("one");
    assertThat(again1.dup()).as("DUP of the QoS 1 message").isTrue();
    assertThat(again1.packetId()).isEqualTo(first.packetId());
    assertThat(again1.qos()).isEqualTo(1);
    assertThat(text(again2)).isEqualTo("two");
    assertThat(again2.dup()).as("DUP of the QoS 2 message").isTrue();
    assertThat(again2.packetId()).isEqualTo(second.packetId());
    assertThat(again2.qos()).isEqualTo(2);
    acknowledge(back, again1);
    acknowledge(back, again2);
    back.expectNothing(QUIET);
    await().atMost(WAIT).until(() -> store.messages().isEmpty());
  }

  @BothVersions
  @DisplayName(
      "a QoS 2 message whose PUBREC the subscriber sent gets its PUBREL again after a restart,"
          + " with the same packet id and no PUBLISH [MQTT-4.4.0-1]")
  void pubrelResentAfterRestart(MqttVersion v) {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "rel/t", 2);
    RawClient pub = connect(v, "pub");
    publish(pub, "rel/t", "x", 2);
    Publish p = sub.expect(Publish.class);
    sub.send(new PubRec(p.packetId()));
    awaitPacket(sub, PubRel.class, r -> r.packetId() == p.packetId());

    restart();
    RawClient back = resume(v, "sub");
    assertThat(back.expect(PubRel.class).packetId()).isEqualTo(p.packetId());
    back.send(new PubComp(p.packetId()));
    back.expectNothing(QUIET);
    await().atMost(WAIT).until(() -> store.messages().isEmpty());
  }

  @BothVersions
  @DisplayName(
      "a QoS 2 PUBLISH received before a restart and sent again after it (DUP) gets PUBREC and is"
          + " not delivered twice [MQTT-4.3.3-9]; its PUBREL gets PUBCOMP and frees the packet id")
  void inboundQos2ExactlyOnceAcrossRestart(MqttVersion v) {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "in/t", 2);
    RawClient pub = connectPersistent(v, "pub");
    Publish p = new Publish("in/t", utf8("once"), 2, false, false, 7, NO_PROPS);
    pub.send(p);
    PubRec rec = pub.expect(PubRec.class);
    assertThat(rec.packetId()).isEqualTo(7);
    assertThat(rec.reasonCode()).isZero();
    assertThat(store.awaitingPubrel())
        .as("stored before the PUBREC")
        .containsExactly(new Change.AwaitPubrel("pub", 7));
    assertThat(text(receive(sub))).isEqualTo("once");
    await().atMost(WAIT).until(() -> store.messages().isEmpty()); // its PUBCOMP is handled

    restart();
    RawClient pubBack = resume(v, "pub");
    pubBack.send(p.withPacketId(7, true));
    PubRec again = pubBack.expect(PubRec.class);
    assertThat(again.packetId()).isEqualTo(7);
    assertThat(again.reasonCode()).isZero();
    pubBack.send(new PubRel(7));
    PubComp comp = pubBack.expect(PubComp.class);
    assertThat(comp.packetId()).isEqualTo(7);
    assertThat(comp.reasonCode()).as("packet id known after the restart").isZero();
    assertThat(store.awaitingPubrel()).as("released before the PUBCOMP").isEmpty();

    RawClient subBack = resume(v, "sub");
    expectNothingBeforeMarker(subBack, pubBack, "in/t");
    assertThat(store.messages()).isEmpty();
  }

  @BothVersions
  @DisplayName(
      "an UNSUBSCRIBE of a persistent session survives a restart: nothing more is queued for the"
          + " filter")
  void unsubscribeSurvivesRestart(MqttVersion v) {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "u/a", 1);
    subscribeOk(sub, "u/b", 1);
    sub.send(new Unsubscribe(100, List.of("u/a"), NO_PROPS));
    assertThat(sub.expect(UnsubAck.class).packetId()).isEqualTo(100);
    disconnect(sub);

    restart();
    assertThat(store.subscriptions())
        .extracting(StoredSubscription::filterKey)
        .containsExactly("u/b");
    RawClient pub = connect(v, "pub");
    publish(pub, "u/a", "gone", 1);
    publish(pub, "u/b", "kept", 1);
    RawClient back = resume(v, "sub");
    assertThat(text(receive(back))).isEqualTo("kept");
    back.expectNothing(QUIET);
  }

  // ---------------------------------------------------------------- retained messages

  @Test
  @DisplayName(
      "a retained message survives a restart with its 5.0 properties (payload format, content"
          + " type, response topic, correlation data, user properties, what is left of its expiry);"
          + " an expired one does not, nor one cleared with an empty payload")
  void retainedSurvivesRestart() {
    start();
    RawClient pub = connect(V5, "pub");
    MqttProperties props =
        MqttProperties.builder()
            .payloadFormatIndicator(1)
            .contentType("text/plain")
            .responseTopic("reply/here")
            .correlationData(new byte[] {1, 2, 3})
            .userProperties(List.of(new UserProperty("k", "v1"), new UserProperty("k", "v2")))
            .messageExpiryInterval(3600L)
            .build();
    publish(pub, new Publish("ret/a", utf8("kept"), 1, true, false, 0, props));
    MqttProperties shortLived = MqttProperties.builder().messageExpiryInterval(1L).build();
    publish(pub, new Publish("ret/gone", utf8("expires"), 1, true, false, 0, shortLived));
    publish(pub, new Publish("ret/cleared", utf8("x"), 1, true, false, 0, NO_PROPS));
    publish(pub, new Publish("ret/cleared", new byte[0], 1, true, false, 0, NO_PROPS));
    assertThat(store.retained()).containsOnlyKeys("ret/a", "ret/gone");
    long expiresAt = store.retained().get("ret/gone").expiresAtMillis();
    assertThat(expiresAt).isPositive();
    await().atMost(WAIT).until(() -> System.currentTimeMillis() > expiresAt);

    restart();
    awaitCommitted();
    assertThat(store.retained()).as("the expired one is deleted").containsOnlyKeys("ret/a");
    RawClient sub = connect(V5, "sub");
    subscribeOk(sub, "ret/#", 1);
    Publish r = receive(sub);
    assertThat(r.topic()).isEqualTo("ret/a");
    assertThat(text(r)).isEqualTo("kept");
    assertThat(r.retain()).isTrue();
    assertThat(r.qos()).isEqualTo(1);
    MqttProperties got = r.properties();
    assertThat(got.payloadFormatIndicator()).isEqualTo(1);
    assertThat(got.contentType()).isEqualTo("text/plain");
    assertThat(got.responseTopic()).isEqualTo("reply/here");
    assertThat(got.correlationData()).containsExactly(1, 2, 3);
    assertThat(got.userProperties())
        .containsExactly(new UserProperty("k", "v1"), new UserProperty("k", "v2"));
    assertThat(got.messageExpiryInterval()).isBetween(3500L, 3600L);
    sub.expectNothing(QUIET);
  }

  // ---------------------------------------------------------------- clean sessions

  @BothVersions
  @DisplayName(
      "clean sessions (3.1.1 CleanSession 1, 5.0 Session Expiry 0) exchanging QoS 1 and 2"
          + " messages write nothing to the store")
  void cleanSessionsWriteNothing(MqttVersion v) {
    start();
    // 5.0: Clean Start 0 without a Session Expiry Interval is a session that ends with its
    // connection all the same
    RawClient sub = connect(v, "sub", v == V5 ? false : true, NO_PROPS, null);
    subscribeOk(sub, "c/#", 2);
    RawClient pub = connect(v, "pub");
    for (int i = 0; i < 3; i++) {
      publish(pub, "c/one", "q1-" + i, 1);
      publish(pub, "c/two", "q2-" + i, 2);
    }
    publish(pub, "nobody/listens", "x", 1);
    assertThat(receivePayloads(sub, 6))
        .containsExactly("q1-0", "q2-0", "q1-1", "q2-1", "q1-2", "q2-2");
    sub.send(new Unsubscribe(200, List.of("c/#"), NO_PROPS));
    sub.expect(UnsubAck.class);
    disconnect(sub);
    disconnect(pub);
    broker.close();
    assertThat(store.batches()).isEmpty();
    assertThat(store.attempts()).isZero();
  }

  // ---------------------------------------------------------------- strict durability

  @BothVersions
  @DisplayName(
      "strict: the PUBACK and PUBREC for a message a persistent session keeps wait for its commit,"
          + " and come in order once it is done")
  void acknowledgementWaitsForCommit(MqttVersion v) throws InterruptedException {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "s/t", 2);
    disconnect(sub);
    RawClient pub = connect(v, "pub");
    awaitCommitted();
    store.block();
    pub.send(new Publish("s/t", utf8("one"), 1, false, false, 1, NO_PROPS));
    pub.send(new Publish("s/t", utf8("two"), 2, false, false, 2, NO_PROPS));
    assertThat(store.awaitBlockedApply(WAIT)).as("commit under way").isTrue();
    pub.expectNothing(QUIET);
    assertThat(store.messages()).isEmpty();

    store.unblock();
    PubAck ack = pub.expect(PubAck.class);
    assertThat(ack.packetId()).isEqualTo(1);
    assertThat(ack.reasonCode()).isZero();
    assertThat(store.messages())
        .as("stored when the PUBACK came")
        .extracting(q -> text(q.message().payload()))
        .contains("one");
    PubRec rec = pub.expect(PubRec.class);
    assertThat(rec.packetId()).isEqualTo(2);
    assertThat(rec.reasonCode()).isZero();
    assertThat(store.messages())
        .extracting(q -> text(q.message().payload()))
        .containsExactly("one", "two");
  }

  @BothVersions
  @DisplayName(
      "strict: a change an interceptor stores with a QoS 1 PUBLISH (a message log entry) holds its"
          + " PUBACK until it is committed; a QoS 0 PUBLISH's is appended on its own")
  void interceptorChangeCommittedBeforeAcknowledgement(MqttVersion v) throws InterruptedException {
    start();
    broker
        .interceptors()
        .add(
            publish -> {
              var m = publish.message();
              publish.commitWith(
                  new Change.AppendToLog(
                      new LogEntry(
                          m.hub(),
                          "log",
                          System.currentTimeMillis(),
                          publish.publisher().clientId(),
                          publish.publisher().username(),
                          null,
                          m.topic(),
                          m.qos(),
                          m.retain(),
                          null,
                          m.payload(),
                          LogEntry.Limits.NONE)));
              return dev.switchboard.broker.intercept.PublishVerdict.pass();
            });
    RawClient pub = connect(v, "pub");
    publish(pub, "l/t", "zero", 0);
    await().atMost(WAIT).until(() -> store.logEntries().size() == 1);
    awaitCommitted();
    store.block();
    pub.send(new Publish("l/t", utf8("one"), 1, false, false, 1, NO_PROPS));
    assertThat(store.awaitBlockedApply(WAIT)).as("commit under way").isTrue();
    pub.expectNothing(QUIET);
    store.unblock();
    assertThat(pub.expect(PubAck.class).packetId()).isEqualTo(1);
    assertThat(store.logEntries())
        .as("in the log when the PUBACK came")
        .extracting(e -> text(e.payload()))
        .containsExactly("zero", "one");
    assertThat(store.logEntries()).extracting(LogEntry::clientId).containsOnly("pub");
  }

  @BothVersions
  @DisplayName(
      "strict: an online persistent subscriber gets a QoS 2 message once its packet id is"
          + " committed, and a QoS 1 message published after it on the same topic does not"
          + " overtake it [MQTT-4.6.0-6]")
  void qos2ToPersistentSubscriberKeepsTopicOrder(MqttVersion v) throws InterruptedException {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "o/t", 2);
    RawClient pub = connect(v, "pub");
    awaitCommitted();
    store.block();
    pub.send(new Publish("o/t", utf8("first"), 2, false, false, 1, NO_PROPS));
    pub.send(new Publish("o/t", utf8("second"), 1, false, false, 2, NO_PROPS));
    assertThat(store.awaitBlockedApply(WAIT)).isTrue();
    sub.expectNothing(QUIET);

    store.unblock();
    Publish first = sub.expect(Publish.class);
    Publish second = sub.expect(Publish.class);
    assertThat(List.of(text(first), text(second))).containsExactly("first", "second");
    assertThat(List.of(first.qos(), second.qos())).containsExactly(2, 1);
    assertThat(store.messages())
        .as("the QoS 2 message's packet id was stored before it was sent")
        .filteredOn(q -> text(q.message().payload()).equals("first"))
        .extracting(QueuedMessage::packetId, QueuedMessage::phase)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(first.packetId(), QueuedMessage.AWAITING_PUBREC));
    acknowledge(sub, first);
    acknowledge(sub, second);
    await().atMost(WAIT).until(() -> store.messages().isEmpty());
  }

  @BothVersions
  @DisplayName(
      "strict: the SUBACK of a persistent session waits for its subscription's commit, and a"
          + " retained message follows the SUBACK")
  void subAckWaitsForCommit(MqttVersion v) throws InterruptedException {
    start();
    RawClient pub = connect(v, "pub");
    publish(pub, new Publish("w/t", utf8("retained"), 1, true, false, 0, NO_PROPS));
    RawClient sub = connectPersistent(v, "sub");
    awaitCommitted();
    store.block();
    sub.send(new Subscribe(9, List.of(new Subscription("w/t", 1)), NO_PROPS));
    assertThat(store.awaitBlockedApply(WAIT)).isTrue();
    sub.expectNothing(QUIET);

    store.unblock();
    SubAck ack = sub.expect(SubAck.class);
    assertThat(ack.packetId()).isEqualTo(9);
    assertThat(ack.reasonCodes()).containsExactly(1);
    assertThat(store.subscriptions())
        .as("stored when the SUBACK came")
        .extracting(StoredSubscription::clientId, StoredSubscription::filterKey)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("sub", "w/t"));
    Publish r = receive(sub);
    assertThat(text(r)).isEqualTo("retained");
    assertThat(r.retain()).isTrue();
  }

  @Test
  @DisplayName(
      "strict, 5.0: a QoS 1 or 2 PUBLISH whose commit fails gets PUBACK or PUBREC 0x80 and is not"
          + " stored; once the store recovers the same packet ids work again")
  void failedCommitRefusedV5() {
    start();
    RawClient sub = connectPersistent(V5, "sub");
    subscribeOk(sub, "f/t", 2);
    disconnect(sub);
    RawClient pub = connect(V5, "pub");
    awaitCommitted();

    store.failNext(1, StoreException.Kind.FULL);
    pub.send(new Publish("f/t", utf8("lost1"), 1, false, false, 1, NO_PROPS));
    PubAck refused = pub.expect(PubAck.class);
    assertThat(refused.packetId()).isEqualTo(1);
    assertThat(refused.reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
    assertThat(refused.properties().reasonString()).contains("full");

    store.failNext(1, StoreException.Kind.READ_ONLY);
    pub.send(new Publish("f/t", utf8("lost2"), 2, false, false, 2, NO_PROPS));
    PubRec refusedRec = pub.expect(PubRec.class);
    assertThat(refusedRec.packetId()).isEqualTo(2);
    assertThat(refusedRec.reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);

    pub.send(new Publish("f/t", utf8("kept1"), 1, false, false, 1, NO_PROPS));
    assertThat(pub.expect(PubAck.class).reasonCode()).isZero();
    // the refused QoS 2 id is free: the same id is a new message, not a duplicate
    pub.send(new Publish("f/t", utf8("kept2"), 2, false, false, 2, NO_PROPS));
    assertThat(pub.expect(PubRec.class).reasonCode()).isZero();
    pub.send(new PubRel(2));
    assertThat(pub.expect(PubComp.class).reasonCode()).isZero();
    assertThat(store.messages())
        .extracting(q -> text(q.message().payload()))
        .containsExactly("kept1", "kept2");
  }

  @Test
  @DisplayName(
      "strict, 3.1.1: a QoS 1 PUBLISH whose commit fails closes the connection without a PUBACK;"
          + " once the store recovers publishing works again")
  void failedCommitClosesV311() {
    start();
    RawClient sub = connectPersistent(V311, "sub");
    subscribeOk(sub, "f/t", 1);
    disconnect(sub);
    RawClient pub = connect(V311, "pub");
    awaitCommitted();

    store.failNext(1, StoreException.Kind.UNAVAILABLE);
    pub.send(new Publish("f/t", utf8("lost"), 1, false, false, 1, NO_PROPS));
    List<Object> before = pub.awaitClose(WAIT);
    assertThat(before).as("packets before the close").isEmpty();
    assertThat(store.messages()).isEmpty();

    RawClient again = connect(V311, "pub");
    publish(again, "f/t", "kept", 1);
    assertThat(store.messages())
        .extracting(q -> text(q.message().payload()))
        .containsExactly("kept");
  }

  @Test
  @DisplayName(
      "relaxed: the PUBACK does not wait for the commit, and the message is committed soon after"
          + " without a restart")
  void relaxedAcknowledgesAtOnce() throws InterruptedException {
    persistence =
        new Persistence(store, Durability.RELAXED, Duration.ofMillis(50), Duration.ofMinutes(5));
    start();
    RawClient sub = connectPersistent(V5, "sub");
    subscribeOk(sub, "x/t", 1);
    disconnect(sub);
    RawClient pub = connect(V5, "pub");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              StoredSession stored = store.sessions().get("sub");
              return stored != null && stored.disconnectedAtMillis() >= 0;
            });
    store.block();
    pub.send(new Publish("x/t", utf8("soon"), 1, false, false, 1, NO_PROPS));
    PubAck ack = pub.expect(PubAck.class);
    assertThat(ack.reasonCode()).isZero();
    assertThat(store.awaitBlockedApply(WAIT)).as("committed on its own").isTrue();
    assertThat(store.messages()).as("not stored when acknowledged").isEmpty();
    store.unblock();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(store.messages())
                    .extracting(q -> text(q.message().payload()))
                    .containsExactly("soon"));
  }

  // ---------------------------------------------------------------- a session ends

  @BothVersions
  @DisplayName(
      "a persistent session taken over with a clean start is deleted from the store with its"
          + " subscriptions and messages; nothing of it comes back after a restart")
  void cleanStartDeletesStoredSession(MqttVersion v) {
    start();
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "d/t", 1);
    disconnect(sub);
    RawClient pub = connect(v, "pub");
    publish(pub, "d/t", "queued", 1);
    assertThat(store.messages()).hasSize(1);

    RawClient clean = connect(v, "sub"); // clean start, Session Expiry 0
    await().atMost(WAIT).until(() -> store.sessions().isEmpty());
    assertThat(store.subscriptions()).isEmpty();
    assertThat(store.messages()).isEmpty();
    disconnect(clean);

    restart();
    RawClient again = open(v);
    ConnAck ack = again.connect("sub", false, 60, persistentProps(v), null);
    assertThat(ack.sessionPresent()).isFalse();
    subscribeOk(again, "d/marker", 0); // to show that the new session does receive
    expectNothingBeforeMarker(again, connect(v, "pub"), "d/marker");
  }

  @Test
  @DisplayName(
      "5.0: a DISCONNECT that sets the Session Expiry Interval to 0 deletes the stored session")
  void disconnectWithExpiryZeroDeletesStoredSession() {
    start();
    RawClient sub = connectPersistent(V5, "sub");
    subscribeOk(sub, "z/t", 1);
    awaitCommitted();
    assertThat(store.sessions()).containsOnlyKeys("sub");
    sub.send(new Disconnect(0, MqttProperties.builder().sessionExpiryInterval(0L).build()));
    sub.awaitClose(WAIT);
    await().atMost(WAIT).until(() -> store.sessions().isEmpty());
    assertThat(store.subscriptions()).isEmpty();
  }

  @Test
  @DisplayName(
      "5.0: a queued message whose Message Expiry ran out while the broker was down is dropped;"
          + " one still in time is sent with what is left of its expiry [MQTT-3.3.2-6]")
  void messageExpiredWhileDown() {
    long now = System.currentTimeMillis();
    StoredMessage stale = new StoredMessage("m/t", utf8("stale"), 1, false, null, "p", now - 1000);
    StoredMessage fresh =
        new StoredMessage("m/t", utf8("fresh"), 1, false, null, "p", now + 600_000);
    store.seed(
        List.of(
            new Change.PutSession(new StoredSession("sub", 300, now - 1000, null)),
            new Change.PutSubscription(new StoredSubscription("sub", "m/t", 1, false, false, 0, 0)),
            new Change.PutMessage(
                new QueuedMessage("sub", 1, stale, List.of("m/t"), false, 0, QueuedMessage.QUEUED)),
            new Change.PutMessage(
                new QueuedMessage(
                    "sub", 2, fresh, List.of("m/t"), false, 0, QueuedMessage.QUEUED))));
    start();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(store.messages()).extracting(QueuedMessage::seq).containsExactly(2L));
    RawClient sub = resume(V5, "sub");
    Publish p = receive(sub);
    assertThat(text(p)).isEqualTo("fresh");
    assertThat(p.properties().messageExpiryInterval()).isBetween(500L, 600L);
    sub.expectNothing(QUIET);
  }

  // ---------------------------------------------------------------- a crash

  @Test
  @DisplayName(
      "after a crash, the will of a persistent session that was connected is published to a"
          + " restored subscriber, once: not again after the next restart")
  void willOfSessionConnectedAtCrash() {
    long now = System.currentTimeMillis();
    StoredMessage will =
        new StoredMessage("will/device", utf8("offline"), 1, false, null, "device", 0);
    store.seed(
        List.of(
            new Change.PutSession(new StoredSession("watcher", 300, now - 1000, null)),
            new Change.PutSubscription(
                new StoredSubscription("watcher", "will/#", 1, false, false, 0, 0)),
            new Change.PutSession(
                new StoredSession("device", 300, -1, new StoredWill(will, 0, -1)))));
    start();
    await()
        .atMost(WAIT)
        .until(() -> store.sessions().get("device").will() == null && store.messages().size() == 1);
    assertThat(store.sessions().get("device").disconnectedAtMillis())
        .as("the crash is taken as the disconnection")
        .isGreaterThanOrEqualTo(now);
    QueuedMessage queued = store.messages().get(0);
    assertThat(queued.clientId()).isEqualTo("watcher");
    assertThat(queued.message().topic()).isEqualTo("will/device");

    RawClient watcher = resume(V5, "watcher");
    Publish w = receive(watcher);
    assertThat(w.topic()).isEqualTo("will/device");
    assertThat(text(w)).isEqualTo("offline");
    assertThat(w.qos()).isEqualTo(1);
    assertThat(w.retain()).isFalse();
    disconnect(watcher);
    await().atMost(WAIT).until(() -> store.messages().isEmpty());

    restart();
    RawClient again = resume(V5, "watcher");
    expectNothingBeforeMarker(again, connect(V5, "pub"), "will/marker");
  }

  @Test
  @DisplayName(
      "a stored session whose expiry ran out while the broker was down is dropped from memory and"
          + " the store, with its messages and QoS 2 state; one still in time is kept")
  void sessionExpiredWhileDown() {
    long now = System.currentTimeMillis();
    store.seed(
        List.of(
            new Change.PutSession(new StoredSession("old", 10, now - 60_000, null)),
            new Change.PutSubscription(new StoredSubscription("old", "e/#", 1, false, false, 0, 0)),
            new Change.PutMessage(queued("old", 1, "e/x", "stale", "e/#")),
            new Change.AwaitPubrel("old", 3),
            new Change.PutSession(new StoredSession("young", 300, now - 60_000, null)),
            new Change.PutSubscription(
                new StoredSubscription("young", "e/#", 1, false, false, 0, 0)),
            new Change.PutMessage(queued("young", 2, "e/x", "fresh", "e/#"))));
    start();
    await().atMost(WAIT).until(() -> !store.sessions().containsKey("old"));
    assertThat(store.sessions()).containsOnlyKeys("young");
    assertThat(store.subscriptions())
        .extracting(StoredSubscription::clientId)
        .containsOnly("young");
    assertThat(store.messages()).extracting(QueuedMessage::clientId).containsExactly("young");
    assertThat(store.awaitingPubrel()).isEmpty();

    // New messages are numbered after those stored
    RawClient pub = connect(V5, "pub");
    publish(pub, "e/y", "new", 1);
    assertThat(store.messages()).extracting(QueuedMessage::seq).containsExactly(2L, 3L);

    RawClient old = open(V5);
    ConnAck ack = old.connect("old", false, 60, persistentProps(V5), null);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.sessionPresent()).as("expired session present").isFalse();
    subscribeOk(old, "marker/old", 0); // to show that the new session does receive
    expectNothingBeforeMarker(old, pub, "marker/old");

    RawClient young = resume(V5, "young");
    assertThat(receivePayloads(young, 2)).containsExactly("fresh", "new");
  }

  // ---------------------------------------------------------------- bounds and sharing

  @BothVersions
  @DisplayName(
      "an offline session's queue bound (10) holds across a restart: the first 10 of 20 QoS 1"
          + " messages come back and the store keeps no more than those")
  void queueBoundAcrossRestart(MqttVersion v) {
    start(
        c ->
            c.withLimits(
                c.maxPacketSize(), c.receiveMaximum(), c.maxInflight(), 10, c.maxQueuedBytes()));
    RawClient sub = connectPersistent(v, "sub");
    subscribeOk(sub, "b/t", 1);
    disconnect(sub);
    RawClient pub = connect(v, "pub");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      publish(pub, "b/t", "m" + i, 1);
      sent.add("m" + i);
    }

    restart();
    assertThat(store.messages())
        .extracting(q -> text(q.message().payload()))
        .containsExactlyElementsOf(sent.subList(0, 10));
    RawClient back = resume(v, "sub");
    assertThat(receivePayloads(back, 10)).containsExactlyElementsOf(sent.subList(0, 10));
    back.expectNothing(QUIET);
  }

  @Test
  @DisplayName(
      "a persistent member of a shared subscription ($share/g/...) has its copies stored; they"
          + " come back after a restart with its subscription identifier")
  void sharedSubscriptionCopySurvives() {
    start();
    RawClient member = connectPersistent(V5, "member");
    assertThat(
            subscribe(member, subscriptionId(V5, 5), new Subscription("$share/g/sh/t", 1))
                .reasonCodes())
        .containsExactly(1);
    disconnect(member);
    RawClient pub = connect(V5, "pub");
    for (int i = 0; i < 3; i++) {
      publish(pub, "sh/t", "s" + i, 1);
    }
    assertThat(store.messages())
        .allSatisfy(
            q -> {
              assertThat(q.clientId()).isEqualTo("member");
              assertThat(q.shared()).isTrue();
              assertThat(q.filterKeys()).containsExactly("$share/g/sh/t");
            })
        .hasSize(3);

    restart();
    RawClient back = resume(V5, "member");
    for (int i = 0; i < 3; i++) {
      Publish p = receive(back);
      assertThat(text(p)).isEqualTo("s" + i);
      assertThat(p.qos()).isEqualTo(1);
      assertThat(p.properties().subscriptionIdentifiers()).containsExactly(5);
    }
    back.expectNothing(QUIET);
  }

  // ---------------------------------------------------------------- the broker

  private void start() {
    start(c -> c);
  }

  private void start(UnaryOperator<BrokerConfig> customize) {
    this.customize = customize;
    broker =
        new Broker(
            oneLoop(customize.apply(TestBroker.config())),
            new InMemoryRetainedStore(),
            new AnonymousAuthenticator(true),
            Authorizer.ALLOW_ALL,
            persistence);
    broker.start();
  }

  /** Closes the broker (it commits what it has) and starts a new one on the same store. */
  private void restart() {
    broker.close();
    broker = null;
    start(customize);
  }

  private static BrokerConfig oneLoop(BrokerConfig c) {
    return new BrokerConfig(
        c.bindAddress(),
        c.mqttPort(),
        1,
        c.maxPacketSize(),
        c.maxKeepAlive(),
        c.connectTimeout(),
        c.receiveMaximum(),
        c.maxInflight(),
        c.maxQueuedMessages(),
        c.maxQueuedBytes(),
        c.queueQos0Offline(),
        c.topicAliasMaximum(),
        c.maxQos(),
        c.retainAvailable(),
        c.wildcardSubscriptionsAvailable(),
        c.sharedSubscriptionsAvailable(),
        c.subscriptionIdentifiersAvailable(),
        c.maxSessionExpiry(),
        c.allowAnonymous(),
        c.allowEmptyClientId(),
        c.sysInterval(),
        c.maxConnections());
  }

  /** Waits until everything appended to the journal so far is committed. */
  private void awaitCommitted() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    broker
        .journal()
        .whenCommitted(
            new Journal.Completion() {
              @Override
              public void committed() {
                done.complete(null);
              }

              @Override
              public void failed(StoreException e) {
                done.completeExceptionally(e);
              }
            });
    try {
      done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("journal not committed", e);
    }
  }

  // ---------------------------------------------------------------- clients

  private RawClient open(MqttVersion v) {
    RawClient c = RawClient.open(broker.mqttPort(), v);
    clients.add(c);
    return c;
  }

  private RawClient connect(MqttVersion v, String clientId) {
    return connect(v, clientId, true, NO_PROPS, null);
  }

  private RawClient connect(
      MqttVersion v, String clientId, boolean cleanStart, MqttProperties props, Will will) {
    RawClient c = open(v);
    ConnAck ack = c.connect(clientId, cleanStart, 60, props, will);
    assertThat(ack.reasonCode()).as("CONNACK reason code").isZero();
    return c;
  }

  /** 3.1.1 CleanSession 0; 5.0 Clean Start 0 with a Session Expiry Interval of 300 s. */
  private RawClient connectPersistent(MqttVersion v, String clientId) {
    return connect(v, clientId, false, persistentProps(v), null);
  }

  /** Reconnects a persistent session and checks that it was there. */
  private RawClient resume(MqttVersion v, String clientId) {
    RawClient c = open(v);
    ConnAck ack = c.connect(clientId, false, 60, persistentProps(v), null);
    assertThat(ack.reasonCode()).as("CONNACK reason code").isZero();
    assertThat(ack.sessionPresent()).as("session present").isTrue();
    return c;
  }

  private static MqttProperties persistentProps(MqttVersion v) {
    return v == V5 ? MqttProperties.builder().sessionExpiryInterval(300L).build() : NO_PROPS;
  }

  private static MqttProperties subscriptionId(MqttVersion v, int id) {
    return v == V5 ? MqttProperties.builder().addSubscriptionIdentifier(id).build() : NO_PROPS;
  }

  private SubAck subscribe(RawClient c, MqttProperties props, Subscription... subscriptions) {
    int id = nextPacketId();
    c.send(new Subscribe(id, List.of(subscriptions), props));
    return awaitPacket(c, SubAck.class, a -> a.packetId() == id);
  }

  private void subscribeOk(RawClient c, String filter, int qos) {
    assertThat(subscribe(c, NO_PROPS, new Subscription(filter, qos)).reasonCodes())
        .containsExactly(qos);
  }

  private void publish(RawClient c, String topic, String payload, int qos) {
    publish(c, new Publish(topic, utf8(payload), qos, false, false, 0, NO_PROPS));
  }

  /** Publishes {@code p} with a fresh packet id and completes the publisher's side of the flow. */
  private void publish(RawClient c, Publish p) {
    int id = nextPacketId();
    c.send(p.withPacketId(id, false));
    if (p.qos() == 1) {
      PubAck ack = awaitPacket(c, PubAck.class, a -> a.packetId() == id);
      assertThat(ack.reasonCode()).as("PUBACK reason code").isLessThan(0x80);
    } else if (p.qos() == 2) {
      PubRec rec = awaitPacket(c, PubRec.class, r -> r.packetId() == id);
      assertThat(rec.reasonCode()).as("PUBREC reason code").isLessThan(0x80);
      c.send(new PubRel(id));
      awaitPacket(c, PubComp.class, r -> r.packetId() == id);
    }
  }

  private synchronized int nextPacketId() {
    return ++packetIds % 65535 + 1;
  }

  /** Expects a PUBLISH and acknowledges it as a subscriber does. */
  private static Publish receive(RawClient c) {
    Publish p = c.expect(Publish.class);
    acknowledge(c, p);
    return p;
  }

  private static List<String> receivePayloads(RawClient c, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(text(receive(c)));
    }
    return out;
  }

  private static void acknowledge(RawClient c, Publish p) {
    if (p.qos() == 1) {
      c.send(new PubAck(p.packetId()));
    } else if (p.qos() == 2) {
      c.send(new PubRec(p.packetId()));
      awaitPacket(c, PubRel.class, r -> r.packetId() == p.packetId());
      c.send(new PubComp(p.packetId()));
    }
  }

  /**
   * Asserts that {@code subscriber} gets nothing for {@link #QUIET}, and then that it does get what
   * it should: a marker that {@code publisher} publishes on {@code markerTopic} (which the
   * subscriber must be subscribed to) after that window must be the next packet it receives.
   * Silence alone would also pass for a subscriber that receives nothing at all.
   */
  private void expectNothingBeforeMarker(
      RawClient subscriber, RawClient publisher, String markerTopic) {
    subscriber.expectNothing(QUIET);
    publish(publisher, markerTopic, "marker", 0);
    Publish next = subscriber.expect(Publish.class);
    assertThat(next.topic() + " " + text(next))
        .as("the first message after the quiet window")
        .isEqualTo(markerTopic + " marker");
  }

  private static void disconnect(RawClient c) {
    c.send(Disconnect.NORMAL);
    c.awaitClose(WAIT);
  }

  /** The first packet of {@code type} that {@code which} accepts; those before it are put back. */
  private static <T> T awaitPacket(RawClient c, Class<T> type, Predicate<T> which) {
    List<Object> skipped = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        Object o = left > 0 ? c.poll(Duration.ofNanos(left)) : null;
        if (o == null) {
          throw new AssertionError("no " + type.getSimpleName() + " in time; got " + skipped);
        }
        if (type.isInstance(o) && which.test(type.cast(o))) {
          return type.cast(o);
        }
        skipped.add(o);
      }
    } finally {
      for (int i = skipped.size() - 1; i >= 0; i--) {
        c.unread(skipped.get(i));
      }
    }
  }

  // ---------------------------------------------------------------- data

  private static QueuedMessage queued(
      String clientId, long seq, String topic, String payload, String filterKey) {
    return new QueuedMessage(
        clientId,
        seq,
        new StoredMessage(topic, utf8(payload), 1, false, null, "someone", 0),
        List.of(filterKey),
        false,
        0,
        QueuedMessage.QUEUED);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String text(Publish p) {
    return text(p.payload());
  }
}
