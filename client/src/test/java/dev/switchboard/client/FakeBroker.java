package dev.switchboard.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A scripted peer on 127.0.0.1 for what no real broker can be made to do on demand: keep a QoS 1
 * message unacknowledged, drop a connection at a chosen packet. It speaks raw MQTT 3.1.1 bytes.
 */
final class FakeBroker implements AutoCloseable {
  /** One packet: the first byte and the body after the Remaining Length. */
  record Packet(int header, byte[] body) {
    int type() {
      return header >>> 4;
    }

    boolean dup() {
      return (header & 0x08) != 0;
    }

    int qos() {
      return (header >>> 1) & 3;
    }

    /** The packet id of a QoS 1/2 PUBLISH (after the topic), or of an ack/SUBSCRIBE. */
    int packetId() {
      if (type() == 3) {
        int topicLen = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        return ((body[2 + topicLen] & 0xFF) << 8) | (body[3 + topicLen] & 0xFF);
      }
      return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    }
  }

  final ServerSocket server;
  Socket socket;

  FakeBroker() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout((int) Recorder.TIMEOUT.toMillis());
  }

  int port() {
    return server.getLocalPort();
  }

  String uri() {
    return "mqtt://127.0.0.1:" + port();
  }

  /** Accepts the next connection and reads its CONNECT. */
  Packet accept() throws IOException {
    if (socket != null) {
      socket.close();
    }
    socket = server.accept();
    socket.setSoTimeout((int) Recorder.TIMEOUT.toMillis());
    Packet connect = read();
    if (connect.type() != 1) {
      throw new IOException("expected CONNECT, got type " + connect.type());
    }
    return connect;
  }

  void connAck(boolean sessionPresent) throws IOException {
    send(0x20, 2, sessionPresent ? 1 : 0, 0);
  }

  void pubAck(int packetId) throws IOException {
    send(0x40, 2, packetId >> 8, packetId & 0xFF);
  }

  void send(int... bytes) throws IOException {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    socket.getOutputStream().write(b);
    socket.getOutputStream().flush();
  }

  Packet read() throws IOException {
    InputStream in = socket.getInputStream();
    int header = in.read();
    if (header < 0) {
      throw new IOException("connection closed");
    }
    int len = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      len |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] body = in.readNBytes(len);
    return new Packet(header, body);
  }

  /** The next packet of any type other than PINGREQ; null when none comes in time. */
  Packet readAny(int timeoutMillis) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    try {
      while (true) {
        Packet p = read();
        if (p.type() != 12) {
          return p;
        }
      }
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(old);
    }
  }

  /** The next packet of this type, skipping others (PINGREQs); null when none comes in time. */
  Packet readType(int type, int timeoutMillis) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    try {
      while (true) {
        Packet p = read();
        if (p.type() == type) {
          return p;
        }
      }
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(old);
    }
  }

  static byte[] bytes(int... b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int x : b) {
      out.write(x);
    }
    return out.toByteArray();
  }

  void dropConnection() throws IOException {
    socket.close();
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    server.close();
  }
}
