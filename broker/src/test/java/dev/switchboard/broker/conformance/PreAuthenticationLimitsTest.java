package dev.switchboard.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Will;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a connection may make the broker hold before it is authenticated: a CONNECT has a limit of
 * its own ({@code limits.max-connect-size}), checked from its fixed header like any oversized
 * packet (5.0 section 3.2.2.2, CONNACK 0x95), and the bytes read from every connection not yet past
 * CONNACK have one budget together ({@code limits.pre-auth-budget}). Without them, eight
 * unauthenticated connections could make the broker buffer a gigabyte.
 */
@DisplayName(
    "Limits before authentication: the CONNECT's size and the budget for unauthenticated bytes")
class PreAuthenticationLimitsTest extends ConformanceBase {
  private static final int DEFAULT_CONNECT_LIMIT = BrokerConfig.DEFAULT_MAX_CONNECT_SIZE;

  @BothVersions
  @DisplayName(
      "(5.0 3.2.2.2: CONNACK 0x95; 3.1.1: closed) a CONNECT over limits.max-connect-size (64 KiB"
          + " by default) is refused from its first bytes, before its body is sent")
  void connectOverTheLimitRefusedBeforeItsBody(MqttVersion v) {
    assertThat(DEFAULT_CONNECT_LIMIT).isEqualTo(64 * 1024);
    RawClient c = open(v);
    // The fixed header and the protocol name and level of a CONNECT of 64 KiB + 1 byte, far below
    // the maximum packet size: the rest never comes, and the broker must not wait for it.
    c.sendBytes(connectStart(v, DEFAULT_CONNECT_LIMIT + 1));
    expectRefusedAsTooLarge(c, v);
    // and the broker goes on serving
    connect(v, "after-the-refusal");
  }

  @BothVersions
  @DisplayName(
      "a CONNECT of exactly limits.max-connect-size, its will included, is accepted; one byte"
          + " more is refused before its body is sent")
  void connectAtTheLimitAccepted(MqttVersion v) {
    RawClient atLimit = open(v);
    atLimit.sendBytes(connectWithWillOfSize(v, "at-the-limit", DEFAULT_CONNECT_LIMIT));
    assertThat(atLimit.expect(ConnAck.class).reasonCode()).as("CONNACK reason code").isZero();

    RawClient over = open(v);
    byte[] tooLarge = connectWithWillOfSize(v, "over-the-limit", DEFAULT_CONNECT_LIMIT + 1);
    over.sendBytes(Arrays.copyOf(tooLarge, 64)); // the header and the start of the body only
    expectRefusedAsTooLarge(over, v);
  }

  @Test
  @DisplayName(
      "connections that send part of a large first packet are closed and counted once their bytes"
          + " would take the pre-authentication budget past its bound, while a normal client"
          + " connects and gets its message through")
  void budgetClosesUnauthenticatedConnectionsPastIt() {
    int attackerBytes = 100 * 1024;
    int budget = 256 * 1024;
    startBroker(
        c ->
            c.withPreAuthLimits(1024 * 1024, budget)
                // the attackers that fit the budget stay open for the whole test
                .withKeepAlive(c.maxKeepAlive(), Duration.ofMinutes(2)));
    BrokerMetrics metrics = broker().broker().metrics();
    RawClient subscriber = connect(V5, "subscriber");
    subscribeOk(subscriber, "presence/t", 1);

    // Six connections each send 100 KiB of a CONNECT of 1 MiB (within the CONNECT limit here), and
    // wait. Two fit the budget of 256 KiB, a third never does: a connection is closed only while at
    // least two others hold more than the budget minus its read, so exactly four are closed.
    List<RawClient> attackers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RawClient a = open(V5);
      attackers.add(a);
      byte[] first = Arrays.copyOf(connectStart(V5, 1024 * 1024), attackerBytes);
      sendIgnoringClose(a, first);
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              long closed = attackers.stream().filter(a -> !a.isOpen()).count();
              return closed == 4 && metrics.preAuthBudgetExceeded.sum() == closed;
            });

    // A client that comes now is let in, publishes, and its message is delivered.
    RawClient newcomer = connect(V5, "newcomer");
    publish(newcomer, "presence/t", "still serving", 1, false);
    assertThat(text(receive(subscriber))).isEqualTo("still serving");
    assertThat(attackers.stream().filter(RawClient::isOpen).count())
        .as("the attackers within the budget are still connected")
        .isEqualTo(2);
    assertThat(metrics.preAuthBudgetExceeded.sum()).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "what a connection sent before its CONNACK is given back then: clients one after another"
          + " connect past the budget's size, and a connected client's large PUBLISH is not"
          + " charged")
  void budgetIsGivenBackAtConnAck() {
    int budget = 256;
    startBroker(c -> c.withPreAuthLimits(DEFAULT_CONNECT_LIMIT, budget));
    RawClient subscriber = connect(V5, "subscriber");
    subscribeOk(subscriber, "given-back/t", 0);
    int sent = 0;
    for (int i = 0; sent <= 2 * budget; i++) {
      String clientId = "one-after-another-" + i;
      sent += encode(connectPacket(V5, clientId, true), V5).length;
      disconnect(connect(V5, clientId));
    }
    RawClient publisher = connect(V5, "publisher");
    String large = "x".repeat(4 * budget);
    publish(publisher, "given-back/t", large, 0, false);
    assertThat(text(receive(subscriber))).isEqualTo(large);
    assertThat(broker().broker().metrics().preAuthBudgetExceeded.sum()).isZero();
  }

  // ---------------------------------------------------------------- helpers

  /** Expects the refusal of a CONNECT too large: CONNACK 0x95 in 5.0, a plain close in 3.1.1. */
  private static void expectRefusedAsTooLarge(RawClient c, MqttVersion v) {
    List<Object> before = c.awaitClose(CLOSE);
    if (v == V5) {
      assertThat(before).as("packets before the close").hasSize(1);
      assertThat(((ConnAck) before.get(0)).reasonCode())
          .as("CONNACK reason code")
          .isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    } else {
      assertThat(before).as("3.1.1 has no CONNACK code for it: closed without one").isEmpty();
    }
  }

  /**
   * The first bytes of a CONNECT of {@code v} whose whole size is {@code packetSize}: its fixed
   * header, protocol name and level, flags and keep alive, enough for the broker to know what it is
   * and which version it speaks.
   */
  private static byte[] connectStart(MqttVersion v, int packetSize) {
    int lengthBytes = 1;
    while (remainingLengthSize(packetSize - 1 - lengthBytes) != lengthBytes) {
      lengthBytes++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x10);
    int remaining = packetSize - 1 - lengthBytes;
    do {
      int digit = remaining & 0x7F;
      remaining >>>= 7;
      out.write(remaining > 0 ? digit | 0x80 : digit);
    } while (remaining > 0);
    out.writeBytes(bytes(0, 4, 'M', 'Q', 'T', 'T', v.level(), 0x02, 0, 60));
    return out.toByteArray();
  }

  /** How many bytes the Remaining Length takes for a body of {@code length} bytes. */
  private static int remainingLengthSize(int length) {
    return length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4;
  }

  /** A CONNECT of {@code v} with a will whose payload makes it exactly {@code size} bytes. */
  private static byte[] connectWithWillOfSize(MqttVersion v, String clientId, int size) {
    int payload = size / 2; // a Remaining Length as long as the one of the result
    byte[] bytes = connectWithWill(v, clientId, payload);
    payload += size - bytes.length;
    bytes = connectWithWill(v, clientId, payload);
    assertThat(bytes).as("the CONNECT's size").hasSize(size);
    return bytes;
  }

  private static byte[] connectWithWill(MqttVersion v, String clientId, int payloadLength) {
    Will will = new Will("will/t", new byte[payloadLength], 0, false, NO_PROPS);
    return encode(new Connect(v, clientId, true, 60, null, null, will, NO_PROPS), v);
  }

  /** Sends; a connection the broker closed meanwhile (as it may) is no failure. */
  private static void sendIgnoringClose(RawClient c, byte[] bytes) {
    try {
      c.sendBytes(bytes);
    } catch (Exception closedMeanwhile) {
      // the broker closed it: what the test checks next
    }
  }
}
