package dev.switchboard.broker.transport;

import static dev.switchboard.broker.transport.TransportTestSupport.CONNACK_ACCEPTED;
import static dev.switchboard.broker.transport.TransportTestSupport.PINGREQ;
import static dev.switchboard.broker.transport.TransportTestSupport.PINGRESP;
import static dev.switchboard.broker.transport.TransportTestSupport.closedByPeer;
import static dev.switchboard.broker.transport.TransportTestSupport.connect;
import static dev.switchboard.broker.transport.TransportTestSupport.eventually;
import static dev.switchboard.broker.transport.TransportTestSupport.read;
import static dev.switchboard.broker.transport.TransportTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pre-authentication budget counts what a connection sends before its CONNACK as it comes off
 * the socket, before TLS or WebSocket handlers buffer it: a WebSocket frame is read whole before
 * the MQTT decoder (and its CONNECT limit) sees any of it, and TLS records come before it too.
 */
@DisplayName("Transport: the pre-authentication budget on TLS and WebSocket listeners")
class PreAuthBudgetTransportTest {
  private static final int BUDGET = 256 * 1024;

  /** More than the budget: what one connection sends of a first packet of 1 MiB. */
  private static final int SENT = 300 * 1024;

  @TempDir static Path dir;
  private static TestPki pki;
  private static TestBroker broker;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "preauth");
    TestPki.Issued server = pki.server("server", "localhost", "127.0.0.1");
    broker =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tls("mqtts", 0))
                    .withListener(ListenerConfig.ws("ws", 0))
                    .withListener(ListenerConfig.wss("wss", 0))
                    .withTls(TlsConfig.files(server.certificateFile(), server.keyFile()))
                    // a CONNECT of 1 MiB is allowed: only the budget stands in the way
                    .withPreAuthLimits(1024 * 1024, BUDGET)
                    // and not the connect timeout, which would close the connection too, later
                    .withKeepAlive(65_535, Duration.ofMinutes(2)));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static Socket socket(String listener) throws Exception {
    int port = broker.broker().port(listener);
    return listener.equals("ws")
        ? new Socket("127.0.0.1", port)
        : TlsListenerTest.tlsSocket(pki.clientContext(null), "localhost", port);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mqtts", "ws", "wss"})
  @DisplayName(
      "a connection that sends more than the budget before its CONNACK is closed and counted; the"
          + " next one connects")
  void closedPastTheBudget(String listener) throws Exception {
    long before = broker.broker().metrics().preAuthBudgetExceeded.sum();
    try (Socket s = socket(listener)) {
      byte[] firstBytes = Arrays.copyOf(connectStart(), SENT);
      try {
        if (listener.equals("mqtts")) {
          OutputStream out = s.getOutputStream();
          out.write(firstBytes);
          out.flush();
        } else {
          RawWebSocket ws = RawWebSocket.upgrade(s, "/mqtt", "mqtt");
          assertThat(ws.status()).as("upgraded").isEqualTo(101);
          ws.sendFrameStart(RawWebSocket.BINARY, 1024 * 1024, firstBytes);
        }
      } catch (IOException closedMeanwhile) {
        // the broker may close it before it has written everything: what is checked next
      }
      assertThat(closedByPeer(s)).as("closed by the broker").isTrue();
    }
    eventually().until(() -> broker.broker().metrics().preAuthBudgetExceeded.sum() == before + 1);

    // What it had sent was given back: a client that comes next connects and is served.
    try (Socket s = socket(listener)) {
      if (listener.equals("mqtts")) {
        s.getOutputStream().write(connect(unique("next")));
        assertThat(read(s, 4)).containsExactly(CONNACK_ACCEPTED);
        s.getOutputStream().write(PINGREQ);
        assertThat(read(s, 2)).containsExactly(PINGRESP);
      } else {
        RawWebSocket ws = RawWebSocket.upgrade(s, "/mqtt", "mqtt");
        ws.sendBinary(connect(unique("next")));
        assertThat(ws.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);
        ws.sendBinary(PINGREQ);
        assertThat(ws.readMqtt(2)).containsExactly(PINGRESP);
      }
    }
  }

  /** The start of a 3.1.1 CONNECT of 1 MiB: fixed header, protocol name and level, flags. */
  private static byte[] connectStart() {
    int remaining = 1024 * 1024 - 4; // 1 byte of type, 3 of Remaining Length
    return new byte[] {
      0x10,
      (byte) (0x80 | (remaining & 0x7F)),
      (byte) (0x80 | ((remaining >>> 7) & 0x7F)),
      (byte) (remaining >>> 14),
      0,
      4,
      'M',
      'Q',
      'T',
      'T',
      4,
      2,
      0,
      60
    };
  }
}
