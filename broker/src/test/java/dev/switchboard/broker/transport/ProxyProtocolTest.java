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

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.testing.TestPki;
import dev.switchboard.broker.transport.TransportTestSupport.CapturingAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROXY protocol v1 and v2 headers written on raw sockets, as HAProxy or nginx would write them:
 * the client's address reaches the identity; a malformed or missing header closes that connection
 * only, counted; a client connected all along is not disturbed.
 */
@DisplayName("Transport: PROXY protocol v1 and v2")
class ProxyProtocolTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestBroker broker;
  private static final CapturingAuthenticator auth = new CapturingAuthenticator();

  /** A client of the plain listener, connected before each test and checked after it. */
  private Socket bystander;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "proxy");
    TestPki.Issued server = pki.server("server", "localhost", "127.0.0.1");
    broker =
        TestBroker.start(
            c ->
                c.withListener(ListenerConfig.tcp("proxied", 0).withProxyProtocol(true))
                    .withListener(ListenerConfig.tls("proxied-tls", 0).withProxyProtocol(true))
                    .withListener(ListenerConfig.ws("proxied-ws", 0).withProxyProtocol(true))
                    .withTls(TlsConfig.files(server.certificateFile(), server.keyFile())),
            auth);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void connectBystander() throws Exception {
    bystander = new Socket("127.0.0.1", broker.broker().port("proxied"));
    bystander.getOutputStream().write(v1("TCP4 192.0.2.1 127.0.0.1 1000 1883"));
    bystander.getOutputStream().write(connect(unique("by")));
    assertThat(read(bystander, 4)).containsExactly(CONNACK_ACCEPTED);
  }

  @AfterEach
  void bystanderIsFine() throws Exception {
    bystander.getOutputStream().write(PINGREQ);
    assertThat(read(bystander, 2)).containsExactly(PINGRESP);
    bystander.close();
  }

  private static long errors() {
    return broker.broker().metrics().proxyProtocolErrors.sum();
  }

  private static int port() {
    return broker.broker().port("proxied");
  }

  /** Writes {@code header}, then a CONNECT; returns the identity the broker saw. */
  private static ClientIdentity connectBehind(byte[] header) throws Exception {
    String id = unique("px");
    try (Socket s = new Socket("127.0.0.1", port())) {
      OutputStream out = s.getOutputStream();
      out.write(header);
      out.write(connect(id));
      assertThat(read(s, 4)).containsExactly(CONNACK_ACCEPTED);
    }
    return auth.await(id);
  }

  static byte[] v1(String rest) {
    return ("PROXY " + rest + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  /** A v2 header: command 0x21 (PROXY) or 0x20 (LOCAL), family byte, then the address block. */
  static byte[] v2(int versionCommand, int family, byte[] addresses) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(V2_SIGNATURE);
    b.write(versionCommand);
    b.write(family);
    b.write(addresses.length >> 8);
    b.write(addresses.length & 0xff);
    b.writeBytes(addresses);
    return b.toByteArray();
  }

  static byte[] addresses(String source, int sourcePort, String destination, int destinationPort)
      throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(InetAddress.getByName(source).getAddress());
    b.writeBytes(InetAddress.getByName(destination).getAddress());
    b.write(sourcePort >> 8);
    b.write(sourcePort & 0xff);
    b.write(destinationPort >> 8);
    b.write(destinationPort & 0xff);
    return b.toByteArray();
  }

  // ---------------------------------------------------------------- good headers

  @Test
  @DisplayName("v1 TCP4 and TCP6: the identity's address is the one the header names")
  void v1Addresses() throws Exception {
    ClientIdentity four = connectBehind(v1("TCP4 203.0.113.7 127.0.0.1 51234 1883"));
    assertThat(four.remoteAddress())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 51234));
    assertThat(four.listener()).isEqualTo("proxied");

    ClientIdentity six = connectBehind(v1("TCP6 2001:db8::7 ::1 40000 1883"));
    assertThat(six.remoteAddress())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 40000));
  }

  @Test
  @DisplayName("v2 IPv4 and IPv6, the header cut across writes")
  void v2Addresses() throws Exception {
    byte[] header = v2(0x21, 0x11, addresses("198.51.100.20", 61000, "10.0.0.1", 1883));
    String id = unique("px");
    try (Socket s = new Socket("127.0.0.1", port())) {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < header.length; i += 5) {
        out.write(header, i, Math.min(5, header.length - i));
        out.flush();
      }
      out.write(connect(id));
      assertThat(read(s, 4)).containsExactly(CONNACK_ACCEPTED);
    }
    assertThat(auth.await(id).remoteAddress())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("198.51.100.20"), 61000));

    ClientIdentity six =
        connectBehind(v2(0x21, 0x21, addresses("2001:db8::42", 443, "2001:db8::1", 1883)));
    assertThat(six.remoteAddress())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("2001:db8::42"), 443));
  }

  @Test
  @DisplayName("v2 LOCAL and v1 UNKNOWN keep the connection's own address")
  void headersWithoutAClient() throws Exception {
    ClientIdentity local = connectBehind(v2(0x20, 0x00, new byte[0]));
    assertThat(((InetSocketAddress) local.remoteAddress()).getAddress().isLoopbackAddress())
        .isTrue();
    ClientIdentity unknown = connectBehind(v1("UNKNOWN"));
    assertThat(((InetSocketAddress) unknown.remoteAddress()).getAddress().isLoopbackAddress())
        .isTrue();
  }

  @Test
  @DisplayName("PROXY in front of TLS: the header, then the handshake on the same connection")
  void proxyThenTls() throws Exception {
    String id = unique("pxtls");
    int port = broker.broker().port("proxied-tls");
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.getOutputStream().write(v1("TCP4 203.0.113.99 127.0.0.1 50000 8883"));
      plain.getOutputStream().flush();
      try (SSLSocket tls =
          (SSLSocket)
              pki.clientContext(null)
                  .getSocketFactory()
                  .createSocket(plain, "localhost", port, true)) {
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        tls.getOutputStream().write(connect(id));
        assertThat(read(tls, 4)).containsExactly(CONNACK_ACCEPTED);
      }
    }
    ClientIdentity who = auth.await(id);
    assertThat(who.remoteAddress())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("203.0.113.99"), 50000));
    assertThat(who.listener()).isEqualTo("proxied-tls");
  }

  @Test
  @DisplayName("PROXY in front of WebSocket: the header, then the HTTP upgrade")
  void proxyThenWebSocket() throws Exception {
    String id = unique("pxws");
    Socket plain = new Socket("127.0.0.1", broker.broker().port("proxied-ws"));
    plain.getOutputStream().write(v2(0x21, 0x11, addresses("203.0.113.5", 40001, "10.0.0.1", 80)));
    try (RawWebSocket ws = RawWebSocket.upgrade(plain, "/mqtt", "mqtt")) {
      assertThat(ws.status()).isEqualTo(101);
      ws.sendBinary(connect(id));
      assertThat(ws.readMqtt(4)).containsExactly(CONNACK_ACCEPTED);
    }
    ClientIdentity who = auth.await(id);
    assertThat(who.remoteAddress())
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("203.0.113.5"), 40001));
    assertThat(who.listener()).isEqualTo("proxied-ws");
  }

  // ---------------------------------------------------------------- bad or missing headers

  @Test
  @DisplayName("malformed v1 and v2 headers close that connection, counted")
  void malformedHeaders() throws Exception {
    List<byte[]> bad =
        List.of(
            v1("TCP4 999.1.1.1 127.0.0.1 1 2"),
            v1("FOO 1.2.3.4 5.6.7.8 1 2"),
            v1("TCP4 1.2.3.4 5.6.7.8 99999 2"),
            // no end of line within the 107 bytes a v1 header may have
            ("PROXY TCP4 " + "1".repeat(200)).getBytes(StandardCharsets.US_ASCII),
            // IPv4 family with an address block too short for two addresses and ports
            v2(0x21, 0x11, new byte[5]),
            // version 3
            v2(0x31, 0x11, addresses("1.2.3.4", 1, "5.6.7.8", 2)));
    long before = errors();
    for (byte[] header : bad) {
      try (Socket s = new Socket("127.0.0.1", port())) {
        s.getOutputStream().write(header);
        s.getOutputStream().write(connect(unique("bad")));
        assertThat(closedByPeer(s)).as(new String(header, StandardCharsets.ISO_8859_1)).isTrue();
      }
    }
    eventually().until(() -> errors() == before + bad.size());
  }

  @Test
  @DisplayName("no header on a PROXY listener: refused at once, counted")
  void missingHeader() throws Exception {
    long before = errors();
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.getOutputStream().write(connect(unique("direct")));
      assertThat(closedByPeer(s)).isTrue();
    }
    // TLS straight to a PROXY listener is refused the same way
    try (Socket s = new Socket("127.0.0.1", broker.broker().port("proxied-tls"))) {
      s.getOutputStream().write(TlsListenerTest.clientHello(0x0303));
      assertThat(closedByPeer(s)).isTrue();
    }
    eventually().until(() -> errors() == before + 2);
  }
}
