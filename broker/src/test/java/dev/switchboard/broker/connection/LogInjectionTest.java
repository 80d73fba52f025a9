package dev.switchboard.broker.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.testing.CapturedLog;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, defect 5: what a client chooses (client id, user name, topics, filters) reaches the
 * broker's log escaped, so that a CONNECT cannot forge log lines. Each test checks both that no
 * line starts with the forged text and that the escaped text is there, in the line it belongs to.
 */
class LogInjectionTest {
  private static final String FORGED = "2026-01-01 INFO forged line";
  private static final String INJECTED = "\n" + FORGED;
  private static final String ESCAPED = "\\n" + FORGED;

  /** Refuses everyone, quoting the user name as it came, as an authenticator may. */
  private static final Authenticator REFUSE_QUOTING_USER =
      (ClientIdentity id, byte[] password) ->
          CompletableFuture.completedFuture(
              AuthResult.refuse(
                  ReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user '" + id.username() + "'"));

  private static final Authenticator ACCEPT_ALL =
      (ClientIdentity id, byte[] password) -> accepted(id);

  /** Denies every publish and subscribe, so that each is logged with its topic or filter. */
  private static final Authorizer DENY_ALL =
      new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
          return false;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String filter) {
          return false;
        }
      };

  private static CompletionStage<AuthResult> accepted(ClientIdentity id) {
    return CompletableFuture.completedFuture(AuthResult.accept(Principal.of(id.username())));
  }

  @Test
  void aRefusedConnectCannotForgeLinesWithItsClientIdOrUserName() {
    try (TestBroker broker = TestBroker.start(c -> c, REFUSE_QUOTING_USER, DENY_ALL);
        CapturedLog log = CapturedLog.of("dev.switchboard");
        RawClient client = RawClient.open(broker.port(), MqttVersion.V3_1_1)) {
      client.send(
          new Connect(
              MqttVersion.V3_1_1,
              "dev1" + INJECTED,
              true,
              60,
              "user" + INJECTED + " by user name",
              null,
              null,
              MqttProperties.EMPTY));
      ConnAck ack = client.expect(ConnAck.class);
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD);

      // logged before the CONNACK was written
      assertThat(log.messages())
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains("'dev1" + ESCAPED + "'")
                      .contains("unknown user 'user" + ESCAPED + " by user name'"));
      assertNoForgedLine(log);
    }
  }

  @Test
  void aConnectedClientCannotForgeLinesWithItsClientIdTopicsOrFilters() {
    try (TestBroker broker = TestBroker.start(c -> c, ACCEPT_ALL, DENY_ALL);
        CapturedLog log = CapturedLog.of("dev.switchboard");
        RawClient client = RawClient.open(broker.port(), MqttVersion.V5)) {
      ConnAck ack = client.connect("dev2" + INJECTED, true, 60, MqttProperties.EMPTY, null);
      assertThat(ack.reasonCode()).isZero();

      client.send(
          new Publish(
              "t" + INJECTED + " by topic",
              new byte[] {1},
              1,
              false,
              false,
              1,
              MqttProperties.EMPTY));
      assertThat(client.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      client.send(
          new Subscribe(
              2,
              List.of(new Subscription("f" + INJECTED + " by filter", 0)),
              MqttProperties.EMPTY));
      assertThat(client.expect(SubAck.class).reasonCodes())
          .containsExactly(ReasonCode.NOT_AUTHORIZED);

      // each logged before its acknowledgement was written
      assertThat(log.messages())
          .anySatisfy(m -> assertThat(m).contains("'dev2" + ESCAPED + "'").contains("connected"))
          .anySatisfy(m -> assertThat(m).contains("PUBLISH to 't" + ESCAPED + " by topic'"))
          .anySatisfy(m -> assertThat(m).contains("SUBSCRIBE to 'f" + ESCAPED + " by filter'"));
      assertNoForgedLine(log);
    }
  }

  private static void assertNoForgedLine(CapturedLog log) {
    assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.startsWith(FORGED));
  }
}
