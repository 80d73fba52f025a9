package dev.switchboard.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.List;

/**
 * Wraps each buffer the MQTT connection writes (one burst of packets, or one large payload) into a
 * binary frame. HTTP messages of the upgrade are not buffers and pass untouched.
 */
final class WebSocketFrameWriter extends MessageToMessageEncoder<ByteBuf> {
  WebSocketFrameWriter() {
    super(ByteBuf.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
    out.add(new BinaryWebSocketFrame(msg.retain()));
  }
}
