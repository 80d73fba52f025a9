package dev.switchboard.broker.transport;

import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.mqtt.LogSafe;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the HTTP request of a WebSocket listener before Netty's handshake sees it: a path other
 * than the MQTT one gets 404, a request that offers none of the MQTT subprotocols gets 400 (Netty
 * would upgrade it anyway, without a subprotocol). Both close the connection. It leaves the
 * pipeline once a request passes.
 */
final class WebSocketUpgradeGate extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgradeGate.class);

  /** {@code mqtt} (3.1.1 and 5.0), {@code mqttv3.1}, and {@code mqttv3.1.1}, which some send. */
  static final Set<String> SUBPROTOCOLS = Set.of("mqtt", "mqttv3.1", "mqttv3.1.1");

  private final String path;
  private final BrokerMetrics metrics;

  WebSocketUpgradeGate(String path, BrokerMetrics metrics) {
    this.path = path;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (request.decoderResult().isFailure()) {
      refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String requested = query < 0 ? uri : uri.substring(0, query);
    if (!requested.equals(path)) {
      refuse(
          ctx,
          request,
          HttpResponseStatus.NOT_FOUND,
          "nothing at " + requested + "; MQTT over WebSocket is at " + path);
      return;
    }
    if (!offersMqtt(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL))) {
      refuse(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "the WebSocket subprotocol must be one of mqtt, mqttv3.1");
      return;
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (host != null) {
      ctx.channel().attr(ChannelInfo.HOST).set(host); // may map the client to its hub
    }
    ctx.fireChannelRead(request);
    ctx.pipeline().remove(this);
  }

  private static boolean offersMqtt(String header) {
    if (header == null) {
      return false;
    }
    for (String offered : header.split(",")) {
      if (SUBPROTOCOLS.contains(offered.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private void refuse(
      ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String why) {
    metrics.webSocketUpgradesRefused.increment();
    log.debug(
        "{} on {}: {} {} refused with {}: {}",
        ChannelInfo.remoteAddress(ctx.channel()),
        ChannelInfo.listener(ctx.channel()),
        request.method(),
        LogSafe.text(request.uri()),
        status.code(),
        LogSafe.text(why, LogSafe.MAX_REASON_CHARS));
    ReferenceCountUtil.release(request);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(why + "\n", StandardCharsets.UTF_8));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
