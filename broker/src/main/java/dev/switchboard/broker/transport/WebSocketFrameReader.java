package dev.switchboard.broker.transport;

import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.mqtt.LogSafe;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the MQTT decoder the bytes of binary frames and their continuations, as they come: a packet
 * may span frames and a frame may hold several packets [MQTT-6.0.0-2], which the decoder takes care
 * of. Any other data frame (text) closes the connection [MQTT-6.0.0-1]. Errors of the WebSocket
 * layer (a frame over the size limit, a protocol violation) end here as one line.
 */
final class WebSocketFrameReader extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameReader.class);

  private final BrokerMetrics metrics;
  private boolean closing;

  WebSocketFrameReader(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing && msg instanceof WebSocketFrame frame) {
      frame.release();
      return;
    }
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      // the frame's content is the frame's one reference: the decoder releases it
      ctx.fireChannelRead(((WebSocketFrame) msg).content());
    } else if (msg instanceof WebSocketFrame frame) {
      frame.release();
      closing = true;
      metrics.protocolErrors.increment();
      log.info(
          "{} on {}: a {} on an MQTT WebSocket (only binary frames carry MQTT), closing",
          ChannelInfo.remoteAddress(ctx.channel()),
          ChannelInfo.listener(ctx.channel()),
          frame.getClass().getSimpleName());
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE));
      ctx.close();
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CodecException || cause instanceof WebSocketHandshakeException) {
      metrics.protocolErrors.increment();
      log.info(
          "{} on {}: WebSocket: {}, closing",
          ChannelInfo.remoteAddress(ctx.channel()),
          ChannelInfo.listener(ctx.channel()),
          LogSafe.text(cause.getMessage()));
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
