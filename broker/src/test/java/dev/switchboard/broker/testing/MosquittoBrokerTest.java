package dev.switchboard.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MosquittoBroker} fixture starts a real Mosquitto with the listeners and users it was
 * asked for. Talks to it with raw MQTT 3.1.1 bytes over JDK sockets, so that nothing but the
 * fixture is under test.
 */
class MosquittoBrokerTest {
  private static final int ACCEPTED = 0;
  private static final int NOT_AUTHORIZED = 5;

  @TempDir static Path dir;

  private static TestPki pki;
  private static TestPki.Issued server;

  /** TLS and WebSocket listeners, users alice and bob, no anonymous clients. */
  private static MosquittoBroker broker;

  @BeforeAll
  static void startMosquitto() throws Exception {
    Assumptions.assumeTrue(
        MosquittoBroker.available(), () -> MosquittoBroker.skipReason().orElseThrow());
    pki = TestPki.create(dir, "mosquitto");
    server = pki.server("server", "localhost", "127.0.0.1");
    broker =
        MosquittoBroker.builder()
            .tls(pki, server)
            .websockets()
            .allowAnonymous(false)
            .user("alice", "wonderland")
            .user("bob", "builder")
            .start();
  }

  @AfterAll
  static void stopMosquitto() {
    if (broker != null) {
      broker.close();
    }
  }

  // ---------------------------------------------------------------- plain TCP, users

  @Test
  void plainListenerLetsInAUserWithTheRightPassword() throws Exception {
    assertThat(connack(plain(broker.port()), connect("alice", "wonderland"))).isEqualTo(ACCEPTED);
    assertThat(connack(plain(broker.port()), connect("bob", "builder"))).isEqualTo(ACCEPTED);
  }

  @Test
  void wrongPasswordsUnknownUsersAndAnonymousClientsAreNotAuthorized() throws Exception {
    assertThat(connack(plain(broker.port()), connect("alice", "builder")))
        .isEqualTo(NOT_AUTHORIZED);
    assertThat(connack(plain(broker.port()), connect("mallory", "wonderland")))
        .isEqualTo(NOT_AUTHORIZED);
    assertThat(connack(plain(broker.port()), connect(null, null))).isEqualTo(NOT_AUTHORIZED);
  }

  @Test
  void everyListenerIsOnLoopbackAndTheLogIsWritten() throws Exception {
    String config = Files.readString(broker.configFile());
    assertThat(config)
        .contains("listener " + broker.port() + " 127.0.0.1")
        .contains("listener " + broker.tlsPort() + " 127.0.0.1")
        .contains("listener " + broker.wsPort() + " 127.0.0.1")
        .contains("persistence false");
    assertThat(Files.readString(broker.logFile())).contains("running");
  }

  // ---------------------------------------------------------------- TLS

  @Test
  void tlsHandshakeSucceedsWithTheTestCaAndTheCertificateNamesTheAddress() throws Exception {
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, pki.trustManagers().getTrustManagers(), new SecureRandom());
    try (SSLSocket s = tls(trusting, broker.tlsPort())) {
      s.startHandshake();
      assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(server.certificate());
      assertThat(connack(s, connect("alice", "wonderland"))).isEqualTo(ACCEPTED);
    }
  }

  @Test
  void tlsHandshakeFailsWithoutTheTestCa() throws Exception {
    try (SSLSocket s = tls(SSLContext.getDefault(), broker.tlsPort())) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
    SSLContext otherCa = SSLContext.getInstance("TLS");
    otherCa.init(
        null,
        TestPki.create(dir, "stranger").trustManagers().getTrustManagers(),
        new SecureRandom());
    try (SSLSocket s = tls(otherCa, broker.tlsPort())) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void clientCertificateIsRequiredAndItsCommonNameIsTheUsername() throws Exception {
    TestPki.Issued device = pki.client("device", "device-1");
    try (MosquittoBroker mtls =
        MosquittoBroker.builder()
            .tls(pki, server)
            .useIdentityAsUsername()
            .allowAnonymous(false)
            .start()) {
      try (SSLSocket s = tls(pki.clientContext(device), mtls.tlsPort())) {
        assertThat(connack(s, connect(null, null))).isEqualTo(ACCEPTED);
      }
      assertThat(Files.readString(mtls.logFile())).contains("u'device-1'");

      // Without a certificate: TLS 1.3 reports the server's refusal after the handshake, on the
      // first read, so no CONNACK is what the client sees either way.
      try (SSLSocket s = tls(pki.clientContext(null), mtls.tlsPort())) {
        assertThatThrownBy(() -> connack(s, connect(null, null))).isInstanceOf(IOException.class);
      }
    }
  }

  // ---------------------------------------------------------------- WebSocket

  @Test
  void webSocketListenerUpgradesAndCarriesMqtt() throws Exception {
    try (Socket s = plain(broker.wsPort())) {
      String key = Base64.getEncoder().encodeToString(randomBytes(16));
      write(
          s,
          ("GET /mqtt HTTP/1.1\r\n"
                  + "Host: 127.0.0.1:"
                  + broker.wsPort()
                  + "\r\n"
                  + "Upgrade: websocket\r\n"
                  + "Connection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: "
                  + key
                  + "\r\n"
                  + "Sec-WebSocket-Version: 13\r\n"
                  + "Sec-WebSocket-Protocol: mqtt\r\n"
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String response = httpHead(s.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 101");
      assertThat(response.toLowerCase())
          .contains("sec-websocket-protocol: mqtt")
          .contains("sec-websocket-accept: " + accept(key).toLowerCase());

      // CONNECT in one masked binary frame; CONNACK comes back in an unmasked one.
      byte[] connect = connect("alice", "wonderland");
      byte[] mask = randomBytes(4);
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(0x82);
      frame.write(0x80 | connect.length);
      frame.write(mask);
      for (int i = 0; i < connect.length; i++) {
        frame.write(connect[i] ^ mask[i % 4]);
      }
      write(s, frame.toByteArray());
      DataInputStream in = new DataInputStream(s.getInputStream());
      assertThat(in.readUnsignedByte()).isEqualTo(0x82);
      assertThat(in.readUnsignedByte()).isEqualTo(4);
      byte[] connack = in.readNBytes(4);
      assertThat(connack).containsExactly(0x20, 0x02, 0x00, ACCEPTED);
    }
  }

  // ---------------------------------------------------------------- stop and start

  @Test
  void anonymousClientsGetInByDefaultAndARestartKeepsThePort() throws Exception {
    try (MosquittoBroker anonymous = MosquittoBroker.builder().start()) {
      int port = anonymous.port();
      assertThat(connack(plain(port), connect(null, null))).isEqualTo(ACCEPTED);

      anonymous.stop();
      assertThat(anonymous.isRunning()).isFalse();
      assertThatThrownBy(() -> plain(port).close()).isInstanceOf(ConnectException.class);

      anonymous.start();
      assertThat(anonymous.isRunning()).isTrue();
      assertThat(anonymous.port()).isEqualTo(port);
      assertThat(connack(plain(port), connect(null, null))).isEqualTo(ACCEPTED);
      assertThatThrownBy(anonymous::tlsPort).hasMessageContaining("no TLS listener");
    }
  }

  @Test
  void aBrokerThatExitsAtOnceIsReportedWithItsOutput() {
    assertThatThrownBy(() -> MosquittoBroker.builder().config("no_such_option 1").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited")
        .hasMessageContaining("no_such_option");
  }

  // ---------------------------------------------------------------- raw MQTT 3.1.1

  /** CONNECT, MQTT 3.1.1, clean session, keep alive 60 s, with the username and password given. */
  private static byte[] connect(String username, String password) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, "MQTT");
    body.write(4); // protocol level: 3.1.1
    int flags = 0x02; // clean session
    if (username != null) {
      flags |= 0x80;
    }
    if (password != null) {
      flags |= 0x40;
    }
    body.write(flags);
    body.write(0);
    body.write(60);
    writeString(body, "fixture-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
    if (username != null) {
      writeString(body, username);
    }
    if (password != null) {
      writeString(body, password);
    }
    byte[] b = body.toByteArray();
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(0x10);
    packet.write(b.length); // < 128: one byte of remaining length
    packet.write(b, 0, b.length);
    return packet.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length & 0xFF);
    out.write(b, 0, b.length);
  }

  /** Sends {@code connect} and returns the CONNACK's return code; closes the socket. */
  private static int connack(Socket s, byte[] connect) throws IOException {
    try (s) {
      write(s, connect);
      byte[] connack = s.getInputStream().readNBytes(4);
      if (connack.length < 4) {
        throw new IOException("connection closed before a CONNACK");
      }
      assertThat(connack[0]).as("CONNACK packet type").isEqualTo((byte) 0x20);
      assertThat(connack[1]).as("CONNACK remaining length").isEqualTo((byte) 2);
      return connack[3];
    }
  }

  // ---------------------------------------------------------------- sockets

  private static Socket plain(int port) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(MosquittoBroker.HOST, port), 5_000);
      s.setSoTimeout(5_000);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** A TLS socket that also checks that the server's certificate names 127.0.0.1. */
  private static SSLSocket tls(SSLContext context, int port) throws IOException {
    SSLSocket s =
        (SSLSocket) context.getSocketFactory().createSocket(plain(port), "127.0.0.1", port, true);
    SSLParameters params = s.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(params);
    return s;
  }

  private static void write(Socket s, byte[] bytes) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  private static String httpHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the HTTP response: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static String accept(String key) throws Exception {
    byte[] sha1 =
        MessageDigest.getInstance("SHA-1")
            .digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(sha1);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
