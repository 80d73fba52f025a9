package dev.switchboard.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-client policies an authenticator's {@link Principal} carries and the broker enforces:
 * takeover rejection, fixed subscriptions; authorization refusals; administrators' disconnects.
 */
class ClientPoliciesTest {
  private static final Duration QUIET = Duration.ofMillis(200);

  /** Principals by user name; users not listed get {@link Principal#of}. */
  private final Map<String, Principal> principals = new ConcurrentHashMap<>();

  private final List<RawClient> clients = new ArrayList<>();
  private TestBroker broker;

  private final Authenticator authenticator =
      new Authenticator() {
        @Override
        public CompletionStage<AuthResult> authenticate(ClientIdentity identity, byte[] password) {
          if ("nobody".equals(identity.username())) {
            return CompletableFuture.completedFuture(
                AuthResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "secret detail"));
          }
          Principal p =
              principals.getOrDefault(
                  String.valueOf(identity.username()), Principal.of(identity.username()));
          return CompletableFuture.completedFuture(AuthResult.accept(p));
        }
      };

  /** Denies publishing to and subscribing under {@code secret/}, for everyone. */
  private final Authorizer authorizer =
      new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
          return !topic.startsWith("secret/");
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String filter) {
          return !filter.startsWith("secret/");
        }
      };

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private void startBroker() {
    broker = TestBroker.start(c -> c, authenticator, authorizer);
  }

  private RawClient open(MqttVersion v) {
    RawClient c = RawClient.open(broker.port(), v);
    clients.add(c);
    return c;
  }

  private ConnAck connect(RawClient c, String clientId, String user, boolean clean, Will will) {
    c.send(new Connect(c.version(), clientId, clean, 60, user, null, will, MqttProperties.EMPTY));
    return c.expect(ConnAck.class);
  }

  private RawClient connected(MqttVersion v, String clientId, String user) {
    RawClient c = open(v);
    assertThat(connect(c, clientId, user, true, null).reasonCode()).isZero();
    return c;
  }

  private static Publish publish(String topic, String payload, int qos, int packetId) {
    return new Publish(
        topic,
        payload.getBytes(StandardCharsets.UTF_8),
        qos,
        false,
        false,
        packetId,
        MqttProperties.EMPTY);
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "reject policy: a second connection with the client id is refused with 'identifier"
          + " rejected' while the first is alive, and the first keeps its connection")
  void rejectTakeover(MqttVersion v) {
    principals.put("sensor", new Principal("sensor", null, true, null));
    startBroker();
    RawClient first = connected(v, "sensor-1", "sensor");

    RawClient second = open(v);
    ConnAck refused = connect(second, "sensor-1", "sensor", true, null);
    assertThat(refused.reasonCode())
        .isEqualTo(
            v == MqttVersion.V5
                ? ReasonCode.CLIENT_IDENTIFIER_NOT_VALID
                : ReasonCode.V3_IDENTIFIER_REJECTED);
    second.awaitClose(Duration.ofSeconds(5));

    first.send(PingReq.INSTANCE);
    first.expect(PingResp.class);

    // once the first has gone, the id is free again
    first.send(Disconnect.NORMAL);
    first.awaitClose(Duration.ofSeconds(5));
    RawClient third = open(v);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> broker.broker().sessions().get("sensor-1") == null);
    assertThat(connect(third, "sensor-1", "sensor", true, null).reasonCode()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName("replace policy (the default): the second connection takes the session over")
  void replaceTakeover(MqttVersion v) {
    startBroker();
    RawClient first = connected(v, "app-1", "app");
    RawClient second = open(v);
    assertThat(connect(second, "app-1", "app", true, null).reasonCode()).isZero();
    List<Object> last = first.awaitClose(Duration.ofSeconds(5));
    if (v == MqttVersion.V5) {
      assertThat(last)
          .anySatisfy(
              p ->
                  assertThat(((Disconnect) p).reasonCode())
                      .isEqualTo(ReasonCode.SESSION_TAKEN_OVER));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "fixed subscriptions: set at connect (with retained messages), the client's own SUBSCRIBE"
          + " and UNSUBSCRIBE are refused, and messages keep arriving")
  void fixedSubscriptions(MqttVersion v) {
    principals.put(
        "display", new Principal("display", null, false, List.of(new Subscription("lab/temp", 1))));
    startBroker();
    RawClient publisher = connected(MqttVersion.V5, "pub", "pub");
    publisher.send(
        new Publish(
            "lab/temp",
            "21".getBytes(StandardCharsets.UTF_8),
            0,
            true,
            false,
            0,
            MqttProperties.EMPTY));
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !broker.broker().retained().match("lab/temp").isEmpty());

    RawClient display = connected(v, "display-1", "display");
    Publish retained = display.expect(Publish.class);
    assertThat(retained.topic()).isEqualTo("lab/temp");
    assertThat(text(retained)).isEqualTo("21");

    display.send(new Subscribe(1, List.of(new Subscription("other/#", 0)), MqttProperties.EMPTY));
    SubAck subAck = display.expect(SubAck.class);
    assertThat(subAck.reasonCodes())
        .containsExactly(
            v == MqttVersion.V5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE);

    display.send(new Unsubscribe(2, List.of("lab/temp"), MqttProperties.EMPTY));
    UnsubAck unsubAck = display.expect(UnsubAck.class);
    if (v == MqttVersion.V5) {
      assertThat(unsubAck.reasonCodes()).containsExactly(ReasonCode.NOT_AUTHORIZED);
    }

    publisher.send(publish("other/x", "no", 0, 0));
    publisher.send(publish("lab/temp", "22", 1, 7));
    publisher.expect(PubAck.class);
    Publish live = display.expect(Publish.class);
    assertThat(live.topic()).isEqualTo("lab/temp");
    assertThat(text(live)).isEqualTo("22");
    display.send(new PubAck(live.packetId()));
    display.expectNothing(QUIET);
    assertThat(broker.broker().metrics().subscribeDenied.sum()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "fixed subscriptions replace what a resumed session had: extra ones are removed, missing"
          + " ones added")
  void fixedSubscriptionsReplaceStoredOnes(MqttVersion v) {
    startBroker();
    // first as a free client with its own subscription, in a session that outlives it
    RawClient before = open(v);
    MqttProperties expiry =
        v == MqttVersion.V5
            ? MqttProperties.builder().sessionExpiryInterval(300L).build()
            : MqttProperties.EMPTY;
    before.send(new Connect(v, "kiosk-1", false, 60, "kiosk", null, null, expiry));
    assertThat(before.expect(ConnAck.class).reasonCode()).isZero();
    before.send(new Subscribe(1, List.of(new Subscription("free/#", 0)), MqttProperties.EMPTY));
    before.expect(SubAck.class);
    before.send(Disconnect.NORMAL);
    before.awaitClose(Duration.ofSeconds(5));

    // then an administrator fixes its subscriptions
    principals.put(
        "kiosk", new Principal("kiosk", null, false, List.of(new Subscription("fixed/a", 0))));
    RawClient after = open(v);
    after.send(new Connect(v, "kiosk-1", false, 60, "kiosk", null, null, expiry));
    ConnAck ack = after.expect(ConnAck.class);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.sessionPresent()).isTrue();

    RawClient publisher = connected(MqttVersion.V5, "pub", "pub");
    publisher.send(publish("free/x", "old", 0, 0));
    publisher.send(publish("fixed/a", "new", 0, 0));
    Publish got = after.expect(Publish.class);
    assertThat(got.topic()).isEqualTo("fixed/a");
    after.expectNothing(QUIET);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "a denied PUBLISH gets 0x87 in PUBACK (5.0) or is acknowledged and dropped (3.1.1), and is"
          + " counted; a denied SUBSCRIBE gets 0x87 (5.0) or 0x80 (3.1.1)")
  void denied(MqttVersion v) {
    startBroker();
    RawClient watcher = connected(MqttVersion.V5, "watcher", "w");
    watcher.send(new Subscribe(1, List.of(new Subscription("#", 1)), MqttProperties.EMPTY));
    watcher.expect(SubAck.class);

    RawClient c = connected(v, "c1", "u1");
    c.send(publish("secret/x", "hidden", 1, 5));
    PubAck ack = c.expect(PubAck.class);
    assertThat(ack.reasonCode())
        .isEqualTo(v == MqttVersion.V5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.SUCCESS);
    watcher.expectNothing(QUIET);
    // the watcher does get what c may publish, and that first: nothing came before it
    c.send(publish("open/x", "allowed", 0, 0));
    Publish allowed = watcher.expect(Publish.class);
    assertThat(allowed.topic() + " " + text(allowed)).isEqualTo("open/x allowed");
    assertThat(broker.broker().metrics().publishDenied.sum()).isEqualTo(1);

    c.send(
        new Subscribe(
            2,
            List.of(new Subscription("secret/#", 0), new Subscription("open/#", 1)),
            MqttProperties.EMPTY));
    assertThat(c.expect(SubAck.class).reasonCodes())
        .containsExactly(
            v == MqttVersion.V5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE, 1);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "a refusal's reason goes to the log, not to the client: 5.0 hears only the reason code")
  void refusalReasonStaysInTheLog(MqttVersion v) {
    startBroker();
    RawClient c = open(v);
    ConnAck ack = connect(c, "x", "nobody", true, null);
    if (v == MqttVersion.V5) {
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(ack.properties().reasonString())
          .isEqualTo("authentication refused")
          .doesNotContain("secret");
    } else {
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "ClientControl.disconnect ends the chosen clients' connections (DISCONNECT 0x98 in 5.0),"
          + " publishes their Wills, and leaves the others connected")
  void administrativeDisconnect(MqttVersion v) {
    startBroker();
    RawClient watcher = connected(MqttVersion.V5, "watcher", "w");
    watcher.send(new Subscribe(1, List.of(new Subscription("wills/#", 0)), MqttProperties.EMPTY));
    watcher.expect(SubAck.class);

    RawClient target = open(v);
    Will will =
        new Will(
            "wills/gone", "bye".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY);
    assertThat(connect(target, "dev-1", "banned-user", true, will).reasonCode()).isZero();
    RawClient bystander = connected(v, "dev-2", "fine-user");

    broker
        .broker()
        .disconnect(
            id -> "banned-user".equals(id.username()),
            ReasonCode.ADMINISTRATIVE_ACTION,
            "device disabled");

    List<Object> last = target.awaitClose(Duration.ofSeconds(5));
    if (v == MqttVersion.V5) {
      assertThat(last)
          .anySatisfy(
              p ->
                  assertThat(((Disconnect) p).reasonCode())
                      .isEqualTo(ReasonCode.ADMINISTRATIVE_ACTION));
    }
    Publish willMessage = watcher.expect(Publish.class);
    assertThat(willMessage.topic()).isEqualTo("wills/gone");
    bystander.send(PingReq.INSTANCE);
    bystander.expect(PingResp.class);
  }
}
