package dev.switchboard.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A subscription an access rule narrows: the authorizer grants a wildcard and guards it, and no
 * message of a withheld topic reaches the subscriber, live, retained or through a shared group,
 * while the others do.
 */
class TopicGuardTest {
  private final List<RawClient> clients = new ArrayList<>();
  private TestBroker broker;

  /** Everything is allowed; a wildcard subscription that reaches {@code secret/...} is guarded. */
  private final Authorizer narrowing =
      new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
          return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String filter) {
          return !filter.startsWith("secret/"); // wholly inside the denied part: refused
        }

        @Override
        public TopicGuard subscriptionGuard(ClientIdentity client, String filter) {
          boolean reaches = filter.contains("#") || filter.startsWith("+");
          return reaches ? topic -> !topic.startsWith("secret/") : null;
        }
      };

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

  private static Publish publish(String topic, String payload, boolean retain, int id) {
    return new Publish(
        topic,
        payload.getBytes(StandardCharsets.UTF_8),
        1,
        retain,
        false,
        id,
        MqttProperties.EMPTY);
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "MQTT {0}")
  @EnumSource(
      value = MqttVersion.class,
      names = {"V3_1_1", "V5"})
  @DisplayName(
      "'#' is granted beside a narrower deny; the denied topics are withheld from it (retained"
          + " ones too), the rest delivered; a subscription wholly inside the deny is refused")
  void wildcardGrantedAndNarrowed(MqttVersion v) {
    broker =
        TestBroker.start(
            c -> c,
            (id, pw) -> CompletableFuture.completedFuture(AuthResult.accept(Principal.of(null))),
            narrowing);
    RawClient pub = connected(v, "pub");
    pub.send(publish("secret/kept", "retained secret", true, 1));
    pub.expect(PubAck.class);
    pub.send(publish("open/kept", "retained open", true, 2));
    pub.expect(PubAck.class);

    RawClient sub = connected(v, "sub");
    sub.send(
        new Subscribe(
            1,
            List.of(new Subscription("#", 1), new Subscription("secret/x", 1)),
            MqttProperties.EMPTY));
    List<Integer> codes = sub.expect(SubAck.class).reasonCodes();
    assertThat(codes.get(0)).as("# granted").isEqualTo(1);
    assertThat(codes.get(1)).as("secret/x refused").isGreaterThanOrEqualTo(0x80);
    Publish retained = sub.expect(Publish.class);
    assertThat(text(retained)).isEqualTo("retained open");
    sub.send(new PubAck(retained.packetId()));

    pub.send(publish("secret/live", "live secret", false, 3));
    pub.expect(PubAck.class);
    pub.send(publish("open/live", "live open", false, 4));
    pub.expect(PubAck.class);
    Publish live = sub.expect(Publish.class);
    assertThat(text(live))
        .as("the first live message after the withheld one")
        .isEqualTo("live open");
    assertThat(broker.broker().metrics().deliveriesWithheldByRule.sum()).isEqualTo(2);
  }
}
