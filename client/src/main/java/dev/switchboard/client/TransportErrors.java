package dev.switchboard.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;

/**
 * A transport failure as ESP-MQTT reports it: error type TCP_TRANSPORT with the socket's errno
 * (Linux numbers, as lwIP's) and, for TLS, what the handshake said.
 */
final class TransportErrors {
  static final int ECONNRESET = 104;
  static final int ETIMEDOUT = 110;
  static final int ECONNREFUSED = 111;
  static final int EHOSTUNREACH = 113;
  static final int ENETUNREACH = 101;

  private TransportErrors() {}

  /** The error for {@code cause} (null: the peer closed the connection) during {@code phase}. */
  static MqttErrorCodes of(Throwable cause, String phase) {
    if (cause == null || cause instanceof ClosedChannelException) {
      // Closed under us: during a TLS handshake that is a TLS failure (often a port without TLS).
      boolean tls = phase.contains("TLS");
      return MqttErrorCodes.transport(
          0,
          tls ? "the connection was closed during the handshake (is the port a TLS port?)" : null,
          "the broker closed the " + phase,
          cause);
    }
    Throwable root = cause;
    SSLException tls = null;
    while (true) {
      if (root instanceof SSLException s && tls == null) {
        tls = s;
      }
      if (root.getCause() == null || root.getCause() == root) {
        break;
      }
      root = root.getCause();
    }
    if (tls != null) {
      String why = message(tls);
      return MqttErrorCodes.transport(0, why, "TLS handshake failed: " + why, cause);
    }
    if (cause instanceof WebSocketClientHandshakeException) {
      return MqttErrorCodes.transport(
          0, null, "WebSocket handshake refused: " + message(cause), cause);
    }
    int errno = errno(cause);
    return MqttErrorCodes.transport(errno, null, message(cause), cause);
  }

  static int errno(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof Errors.NativeIoException n && n.expectedErr() != 0) {
        return Math.abs(n.expectedErr());
      }
      if (c instanceof ConnectTimeoutException) {
        return ETIMEDOUT;
      }
      if (c instanceof NoRouteToHostException) {
        return EHOSTUNREACH;
      }
      if (c instanceof UnknownHostException || c instanceof ClosedChannelException) {
        return 0;
      }
      String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(java.util.Locale.ROOT);
      if (m.contains("connection refused")) {
        return ECONNREFUSED;
      }
      if (m.contains("connection reset")) {
        return ECONNRESET;
      }
      if (m.contains("timed out")) {
        return ETIMEDOUT;
      }
      if (m.contains("network is unreachable")) {
        return ENETUNREACH;
      }
      if (m.contains("no route to host")) {
        return EHOSTUNREACH;
      }
      if (c instanceof ConnectException) {
        return ECONNREFUSED;
      }
    }
    return 0;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    if (t instanceof UnknownHostException) {
      return "cannot resolve host " + m;
    }
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
