package dev.switchboard.broker;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts bytes in and out for {@code $SYS/broker/bytes/*}. Shared by every channel. */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {
  private final BrokerMetrics metrics;

  ByteCounter(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      metrics.bytesReceived.add(buf.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf) {
      metrics.bytesSent.add(buf.readableBytes());
    }
    ctx.write(msg, promise);
  }
}
