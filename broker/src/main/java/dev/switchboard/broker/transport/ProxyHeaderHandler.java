package dev.switchboard.broker.transport;

import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.mqtt.LogSafe;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the decoded PROXY header: the client's address goes into {@link ChannelInfo#CLIENT_ADDRESS}
 * before any byte after the header moves on, and the handler leaves the pipeline. A malformed or
 * missing header closes the connection, with a line at info naming the peer (the proxy) and a count
 * in {@link BrokerMetrics#proxyProtocolErrors}.
 *
 * <p>A header that names no client (v2 LOCAL, as HAProxy's health checks send, or v1 UNKNOWN)
 * leaves the connection's own address in place.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ProxyHeaderHandler.class);

  private final BrokerMetrics metrics;
  private boolean refused;

  ProxyHeaderHandler(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      InetSocketAddress client = clientAddress(header);
      if (client != null) {
        ctx.channel().attr(ChannelInfo.CLIENT_ADDRESS).set(client);
      }
      log.debug(
          "{}: PROXY {} header for {}",
          ctx.channel().remoteAddress(),
          header.protocolVersion(),
          client == null ? "no client (the proxy's own connection)" : client);
    } finally {
      header.release();
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof HAProxyProtocolException) {
      refuse(ctx, "malformed PROXY protocol header: " + reason(cause));
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  /** The decoder wraps its reasons in exceptions of its own: the innermost says the most. */
  private static String reason(Throwable cause) {
    String why = null;
    for (Throwable t = cause;
        t != null && why == null;
        t = t.getCause() == t ? null : t.getCause()) {
      Throwable inner = t.getCause();
      if ((inner == null || inner == t) && t.getMessage() != null) {
        why = t.getMessage();
      }
    }
    if (why == null) {
      why = cause.getMessage() == null ? "malformed" : cause.getMessage();
    }
    // the decoder's messages quote the header's bytes, which the peer chose
    return LogSafe.text(why.replace('\n', ' '), 160);
  }

  void refuse(ChannelHandlerContext ctx, String why) {
    if (refused) {
      return;
    }
    refused = true;
    metrics.proxyProtocolErrors.increment();
    log.info(
        "{} on {}: {}, closing",
        ctx.channel().remoteAddress(),
        ChannelInfo.listener(ctx.channel()),
        why);
    ctx.close();
  }

  private static InetSocketAddress clientAddress(HAProxyMessage header) {
    if (header.command() != HAProxyCommand.PROXY) {
      return null;
    }
    HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
    if (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
        && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
      return null;
    }
    // a literal, checked by the decoder: no name lookup
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
    if (bytes == null) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(bytes), header.sourcePort());
    } catch (java.net.UnknownHostException e) {
      return null; // only for a wrong length, which the decoder rules out
    }
  }
}
