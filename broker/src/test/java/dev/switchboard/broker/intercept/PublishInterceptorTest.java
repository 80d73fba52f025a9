package dev.switchboard.broker.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The publish interceptor seam: after authorization, before routing, an interceptor lets a PUBLISH
 * pass, changes it, refuses it with a reason code, or copies it; it sees who published, hub
 * included.
 */
class PublishInterceptorTest {
  private final List<RawClient> clients = new ArrayList<>();
  private TestBroker broker;

  @AfterEach
  void tearDown() {
    clients.forEach(RawClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  private RawClient connected(MqttVersion v, String clientId) {
    RawClient c = RawClient.connect(broker.port(), v, clientId);
    clients.add(c);
    return c;
  }

  private RawClient subscriber(String filter) {
    RawClient c = connected(MqttVersion.V5, "watcher");
    c.send(new Subscribe(1, List.of(new Subscription(filter, 1)), MqttProperties.EMPTY));
    assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(1);
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

  private static Message withPayload(Message m, String topic, String payload) {
    return new Message(
        topic,
        payload.getBytes(StandardCharsets.UTF_8),
        m.qos(),
        m.retain(),
        m.properties(),
        m.publisherId(),
        m.expiresAtNanos());
  }

  @ParameterizedTest(name = "MQTT {0}")
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "a refusing interceptor: nothing of the PUBLISH is routed; a 5.0 publisher's PUBACK carries"
          + " the reason code and string, a 3.1.1 one is acknowledged; others pass")
  void refuses(MqttVersion v) {
    broker = TestBroker.start();
    broker
        .broker()
        .interceptors()
        .add(
            p ->
                p.message().topic().startsWith("metered/")
                    ? PublishVerdict.refuse(ReasonCode.QUOTA_EXCEEDED, "over quota")
                    : PublishVerdict.pass());
    RawClient watcher = subscriber("#");
    RawClient pub = connected(v, "pub");

    pub.send(publish("metered/a", "refused", 1, 1));
    PubAck refused = pub.expect(PubAck.class);
    pub.send(publish("free/a", "passed", 1, 2));
    PubAck passed = pub.expect(PubAck.class);

    if (v == MqttVersion.V5) {
      assertThat(refused.reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
      assertThat(refused.properties().reasonString()).isEqualTo("over quota");
    } else {
      assertThat(refused.reasonCode()).isZero();
    }
    assertThat(passed.reasonCode()).isZero();
    // the refused message was published first: the first delivery is the one that passed
    Publish first = watcher.expect(Publish.class);
    assertThat(first.topic()).isEqualTo("free/a");
    assertThat(text(first)).isEqualTo("passed");
    assertThat(broker.broker().metrics().publishRefusedByInterceptor.sum()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a changing interceptor: subscribers get the message as it made it (topic and payload), and"
          + " those of the original topic get nothing")
  void changes() {
    broker = TestBroker.start();
    broker
        .broker()
        .interceptors()
        .add(
            p -> {
              Message m = p.message();
              if (!m.topic().startsWith("raw/")) {
                return PublishVerdict.pass();
              }
              String upper =
                  new String(m.payload(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
              return PublishVerdict.replace(
                  withPayload(m, "clean/" + m.topic().substring(4), upper));
            });
    RawClient watcher = subscriber("#");
    RawClient pub = connected(MqttVersion.V5, "pub");

    pub.send(publish("raw/t1", "hello", 1, 1));
    assertThat(pub.expect(PubAck.class).reasonCode()).isZero();
    pub.send(publish("other", "as is", 0, 0));

    Publish changed = watcher.expect(Publish.class);
    assertThat(changed.topic()).isEqualTo("clean/t1");
    assertThat(text(changed)).isEqualTo("HELLO");
    Publish unchanged = watcher.expect(Publish.class);
    assertThat(unchanged.topic()).isEqualTo("other");
    assertThat(text(unchanged)).isEqualTo("as is");
  }

  @Test
  @DisplayName(
      "a copying interceptor: the message goes to its own topic and its copy to another; the"
          + " copy does not go through the interceptors again")
  void copies() {
    broker = TestBroker.start();
    List<String> seen = new CopyOnWriteArrayList<>();
    broker
        .broker()
        .interceptors()
        .add(
            p -> {
              seen.add(p.message().topic());
              Message m = p.message();
              p.copy(withPayload(m, "audit/" + m.topic(), "copy of " + text(m)));
              return PublishVerdict.pass();
            });
    RawClient watcher = subscriber("#");
    RawClient pub = connected(MqttVersion.V3_1_1, "pub");

    pub.send(publish("sensors/1", "21.5", 1, 1));
    assertThat(pub.expect(PubAck.class).reasonCode()).isZero();

    Publish original = watcher.expect(Publish.class);
    Publish copy = watcher.expect(Publish.class);
    assertThat(original.topic()).isEqualTo("sensors/1");
    assertThat(text(original)).isEqualTo("21.5");
    assertThat(copy.topic()).isEqualTo("audit/sensors/1");
    assertThat(text(copy)).isEqualTo("copy of 21.5");
    assertThat(seen).containsExactly("sensors/1");
  }

  private static String text(Message m) {
    return new String(m.payload(), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "an interceptor that throws refuses with 0x80; one that raises the QoS or makes an invalid"
          + " topic refuses with 0x83; the chain stays usable")
  void faultyInterceptors() {
    broker = TestBroker.start();
    broker
        .broker()
        .interceptors()
        .add(
            p ->
                switch (p.message().topic()) {
                  case "boom" -> throw new IllegalStateException("interceptor bug");
                  case "upgrade" ->
                      PublishVerdict.replace(
                          new Message(
                              "upgrade",
                              p.message().payload(),
                              2,
                              false,
                              MqttProperties.EMPTY,
                              p.message().publisherId(),
                              Message.NEVER));
                  case "wild" -> PublishVerdict.replace(withPayload(p.message(), "a/+", "x"));
                  default -> PublishVerdict.pass();
                });
    RawClient watcher = subscriber("#");
    RawClient pub = connected(MqttVersion.V5, "pub");

    pub.send(publish("boom", "1", 1, 1));
    assertThat(pub.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
    pub.send(publish("upgrade", "2", 1, 2));
    assertThat(pub.expect(PubAck.class).reasonCode())
        .isEqualTo(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    pub.send(publish("wild", "3", 1, 3));
    assertThat(pub.expect(PubAck.class).reasonCode())
        .isEqualTo(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    pub.send(publish("fine", "4", 1, 4));
    assertThat(pub.expect(PubAck.class).reasonCode()).isZero();
    assertThat(watcher.expect(Publish.class).topic()).isEqualTo("fine");
  }

  @Test
  @DisplayName("a verdict refuses only with the reason codes a PUBACK may carry for an error")
  void refusalCodes() {
    assertThatThrownBy(() -> PublishVerdict.refuse(ReasonCode.SUCCESS, "no"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x0");
    assertThatThrownBy(() -> PublishVerdict.refuse(ReasonCode.SERVER_BUSY, "no"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x89");
    assertThat(PublishVerdict.refuse(ReasonCode.NOT_AUTHORIZED, "no"))
        .isInstanceOf(PublishVerdict.Refuse.class);
  }

  @Test
  @DisplayName(
      "interceptors run after authorization, and see the publisher's identity with its hub")
  void seesPublisherAfterAuthorization() {
    Authenticator lab =
        (identity, password) ->
            CompletableFuture.completedFuture(
                AuthResult.accept(
                    "team-a".equals(identity.username())
                        ? new Principal("lab-a", "team-a", null, false, null)
                        : Principal.of(identity.username())));
    Authorizer noSecrets =
        new Authorizer() {
          @Override
          public boolean canPublish(ClientIdentity client, String topic) {
            return !topic.startsWith("secret/");
          }

          @Override
          public boolean canSubscribe(ClientIdentity client, String filter) {
            return true;
          }
        };
    broker = TestBroker.start(c -> c, lab, noSecrets);
    List<String> seen = new CopyOnWriteArrayList<>();
    broker
        .broker()
        .interceptors()
        .add(
            p -> {
              seen.add(
                  p.publisher().hub() + " " + p.publisher().clientId() + " " + p.message().topic());
              return PublishVerdict.pass();
            });
    RawClient watcher = subscriber("#");
    RawClient teamA = RawClient.open(broker.port(), MqttVersion.V5);
    clients.add(teamA);
    teamA.send(
        new Connect(MqttVersion.V5, "dev-1", true, 60, "team-a", null, null, MqttProperties.EMPTY));
    assertThat(teamA.expect(dev.switchboard.mqtt.packet.ConnAck.class).reasonCode()).isZero();
    RawClient other = connected(MqttVersion.V5, "dev-2");

    teamA.send(publish("secret/x", "denied", 1, 1));
    assertThat(teamA.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    teamA.send(publish("open/x", "a", 1, 2));
    // the watcher is in hub 'default': hub 'lab-a' has no subscriber of its own
    assertThat(teamA.expect(PubAck.class).reasonCode())
        .isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    other.send(publish("open/y", "b", 1, 1));
    assertThat(other.expect(PubAck.class).reasonCode()).isZero();

    assertThat(watcher.expect(Publish.class).topic()).isEqualTo("open/y");
    assertThat(seen).containsExactly("lab-a dev-1 open/x", "default dev-2 open/y");
  }
}
