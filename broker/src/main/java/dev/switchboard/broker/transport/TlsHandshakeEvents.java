package dev.switchboard.broker.transport;

import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.mqtt.LogSafe;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the SslHandler: a handshake that fails or times out becomes one log line with the
 * client's address and a count in {@link BrokerMetrics#tlsHandshakeFailures}, and the connection is
 * closed. TLS errors never reach the MQTT connection as unexpected exceptions.
 *
 * <p>It handles only user events and exceptions, so Netty skips it for reads and writes.
 */
final class TlsHandshakeEvents extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeEvents.class);

  /** Longer reasons (some carry a hex dump of what was received) are cut here. */
  private static final int MAX_REASON = 160;

  private final BrokerMetrics metrics;
  private boolean handshakeEnded;

  TlsHandshakeEvents(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && !handshakeEnded) {
      handshakeEnded = true;
      if (!done.isSuccess()) {
        Throwable cause = done.cause();
        if (cause instanceof ClosedChannelException) {
          // a port check, or a client that gave up: nothing the operator needs to know
          log.debug(
              "{} on {}: closed during the TLS handshake",
              ChannelInfo.remoteAddress(ctx.channel()),
              ChannelInfo.listener(ctx.channel()));
        } else {
          metrics.tlsHandshakeFailures.increment();
          log.info(
              "{} on {}: TLS handshake failed: {}",
              ChannelInfo.remoteAddress(ctx.channel()),
              ChannelInfo.listener(ctx.channel()),
              reason(cause));
          log.debug("TLS handshake failure in detail", cause);
        }
        ctx.close();
        return;
      }
      metrics.tlsHandshakes.increment();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable tls =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (!(tls instanceof SSLException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    // During the handshake the completion event has said it already
    if (handshakeEnded && ctx.channel().isActive()) {
      log.info(
          "{} on {}: TLS error, closing: {}",
          ChannelInfo.remoteAddress(ctx.channel()),
          ChannelInfo.listener(ctx.channel()),
          reason(tls));
    }
    ctx.close();
  }

  static String reason(Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof NotSslRecordException) {
      return "not TLS (plain MQTT or HTTP sent to a TLS port?)";
    }
    if ("General OpenSslEngine problem".equals(cause.getMessage())) {
      // OpenSSL's engine keeps the verdict of the JDK's trust manager among its causes
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      cause = root;
    }
    String text =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    // a JDK or OpenSSL message may quote what the peer sent (a server name, say)
    return LogSafe.text(text.replace('\n', ' '), MAX_REASON);
  }
}
