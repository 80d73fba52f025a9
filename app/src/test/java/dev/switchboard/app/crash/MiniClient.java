package dev.switchboard.app.crash;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking MQTT 3.1.1 client that does exactly what it is told and nothing on its own: no
 * automatic acknowledgements, no retries, no session of its own. The crash tests keep the client
 * side of each session themselves, so that they know precisely what was acknowledged when the
 * broker was killed.
 */
final class MiniClient implements Closeable {

  /** A packet from the broker: its type (high nibble of the first byte) and what the tests need. */
  record Packet(int type, int flags, int packetId, String topic, byte[] payload) {
    int qos() {
      return (flags >> 1) & 3;
    }

    boolean dup() {
      return (flags & 8) != 0;
    }

    boolean retain() {
      return (flags & 1) != 0;
    }
  }

  static final int CONNACK = 2;
  static final int PUBLISH = 3;
  static final int PUBACK = 4;
  static final int PUBREC = 5;
  static final int PUBREL = 6;
  static final int PUBCOMP = 7;
  static final int SUBACK = 9;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final boolean sessionPresent;

  /** Connects and sends CONNECT; throws IOException unless CONNACK accepts it. */
  MiniClient(int port, String clientId, boolean cleanSession) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(0);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, "MQTT");
    body.write(4); // 3.1.1
    body.write(cleanSession ? 2 : 0);
    body.write(0);
    body.write(60); // keep alive
    string(body, clientId);
    send(0x10, body.toByteArray());
    socket.setSoTimeout(10_000);
    Packet ack = read();
    socket.setSoTimeout(0);
    if (ack.type() != CONNACK || ack.payload()[1] != 0) {
      socket.close();
      throw new IOException("connection refused: " + ack);
    }
    sessionPresent = (ack.payload()[0] & 1) != 0;
  }

  /** Makes {@link #read} throw SocketTimeoutException after {@code millis} without a packet. */
  void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  boolean sessionPresent() {
    return sessionPresent;
  }

  synchronized void publish(
      int packetId, String topic, byte[] payload, int qos, boolean retain, boolean dup)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, topic);
    if (qos > 0) {
      body.write(packetId >> 8);
      body.write(packetId);
    }
    body.write(payload);
    send(0x30 | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), body.toByteArray());
  }

  synchronized void subscribe(int packetId, String filter, int qos) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId);
    string(body, filter);
    body.write(qos);
    send(0x82, body.toByteArray());
  }

  void puback(int packetId) throws IOException {
    ack(0x40, packetId);
  }

  void pubrec(int packetId) throws IOException {
    ack(0x50, packetId);
  }

  void pubrel(int packetId) throws IOException {
    ack(0x62, packetId);
  }

  void pubcomp(int packetId) throws IOException {
    ack(0x70, packetId);
  }

  private synchronized void ack(int header, int packetId) throws IOException {
    send(header, new byte[] {(byte) (packetId >> 8), (byte) packetId});
  }

  /** The next packet; EOFException when the broker closed the connection. */
  Packet read() throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("closed");
    }
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      length |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] body = new byte[length];
    in.readFully(body);
    int type = first >> 4;
    int flags = first & 0xf;
    if (type == PUBLISH) {
      int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
      String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
      int at = 2 + topicLength;
      int id = 0;
      if (((flags >> 1) & 3) > 0) {
        id = ((body[at] & 0xff) << 8) | (body[at + 1] & 0xff);
        at += 2;
      }
      byte[] payload = java.util.Arrays.copyOfRange(body, at, body.length);
      return new Packet(type, flags, id, topic, payload);
    }
    int id = body.length >= 2 ? ((body[0] & 0xff) << 8) | (body[1] & 0xff) : 0;
    return new Packet(type, flags, id, null, body);
  }

  private void send(int header, byte[] body) throws IOException {
    ByteArrayOutputStream packet = new ByteArrayOutputStream(body.length + 5);
    packet.write(header);
    int n = body.length;
    do {
      int b = n % 128;
      n /= 128;
      packet.write(n > 0 ? b | 0x80 : b);
    } while (n > 0);
    packet.write(body);
    out.write(packet.toByteArray());
    out.flush();
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length);
    out.write(b, 0, b.length);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
