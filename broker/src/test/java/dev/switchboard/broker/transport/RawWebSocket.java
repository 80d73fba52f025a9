package dev.switchboard.broker.transport;

import static dev.switchboard.broker.transport.TransportTestSupport.TIMEOUT;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that writes exactly the frames a test gives it (RFC 6455, masked as a client
 * must), for what real clients never do: text frames, packets cut across frames, several packets in
 * one frame. Over a plain or a TLS socket.
 */
final class RawWebSocket implements AutoCloseable {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final String response;

  /** One frame the server sent. */
  record Frame(int opcode, boolean fin, byte[] payload) {}

  private RawWebSocket(Socket socket, String response) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
    this.response = response;
  }

  /**
   * Sends the upgrade request for {@code path} offering {@code subprotocols} (none when null) and
   * reads the response's head, whatever its status.
   */
  static RawWebSocket upgrade(Socket socket, String path, String subprotocols) throws IOException {
    return upgrade(socket, path, subprotocols, "localhost");
  }

  /** As {@link #upgrade(Socket, String, String)}, with this {@code Host} header. */
  static RawWebSocket upgrade(Socket socket, String path, String subprotocols, String host)
      throws IOException {
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    StringBuilder req =
        new StringBuilder()
            .append("GET ")
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(host)
            .append("\r\n")
            .append("Upgrade: websocket\r\n")
            .append("Connection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: ")
            .append(Base64.getEncoder().encodeToString(nonce))
            .append("\r\n")
            .append("Sec-WebSocket-Version: 13\r\n");
    if (subprotocols != null) {
      req.append("Sec-WebSocket-Protocol: ").append(subprotocols).append("\r\n");
    }
    req.append("\r\n");
    socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return new RawWebSocket(socket, head.toString(StandardCharsets.US_ASCII));
  }

  /** The status code of the upgrade response (101 when it upgraded). */
  int status() {
    String[] first = response.split(" ", 3);
    return first.length > 1 ? Integer.parseInt(first[1]) : -1;
  }

  /** A response header, or null. */
  String header(String name) {
    for (String line : response.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0
          && line.substring(0, colon)
              .trim()
              .toLowerCase(Locale.ROOT)
              .equals(name.toLowerCase(Locale.ROOT))) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  void send(int opcode, boolean fin, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write((fin ? 0x80 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65536) {
      f.write(0x80 | 126);
      f.write(n >> 8);
      f.write(n & 0xff);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) n >> (8 * i)) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < n; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  /**
   * Sends the header of a frame of {@code length} bytes (in the 8-byte length form) and only the
   * first bytes of its payload, unmasked (a zero mask): a frame the server must wait for the rest
   * of.
   */
  void sendFrameStart(int opcode, long length, byte[] firstBytes) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    f.write(0x80 | 127);
    for (int i = 7; i >= 0; i--) {
      f.write((int) (length >> (8 * i)) & 0xff);
    }
    f.writeBytes(new byte[4]);
    f.writeBytes(firstBytes);
    out.write(f.toByteArray());
    out.flush();
  }

  void sendBinary(byte[] payload) throws IOException {
    send(BINARY, true, payload);
  }

  /** The next frame from the server. */
  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long n = b1 & 0x7f;
    if (n == 126) {
      n = in.readUnsignedShort();
    } else if (n == 127) {
      n = in.readLong();
    }
    byte[] payload = new byte[(int) n];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
  }

  /** Reads binary frames until {@code n} bytes of MQTT have come, across frames. */
  byte[] readMqtt(int n) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < n) {
      Frame f = read();
      if (f.opcode() != BINARY && f.opcode() != CONTINUATION) {
        throw new IOException("expected a binary frame, got opcode " + f.opcode());
      }
      got.writeBytes(f.payload());
    }
    return got.toByteArray();
  }

  /**
   * Reads until the server closes; returns the status code of its first close frame (-1 without
   * one), after any frames before it.
   */
  int awaitClose() throws IOException {
    int status = -1;
    try {
      while (true) {
        Frame f = read();
        if (f.opcode() == CLOSE && f.payload().length >= 2 && status == -1) {
          status = ((f.payload()[0] & 0xff) << 8) | (f.payload()[1] & 0xff);
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      return status;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
