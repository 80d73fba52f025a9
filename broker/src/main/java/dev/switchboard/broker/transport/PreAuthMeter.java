package dev.switchboard.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first handler of a new connection, until its CONNACK: charges every read to the broker's
 * {@link PreAuthBudget}, before PROXY, TLS or WebSocket handlers buffer anything of it, and closes
 * the connection when a read would take the budget past its bound. The connection calls {@link
 * #connected} once it is past CONNACK, which takes this handler out of the pipeline: a connected
 * client's reads cost nothing more, and an idle connection holds no handler for it. What was
 * charged is given back then, or when the connection closes.
 *
 * <p>One per connection, used on its event loop.
 */
public final class PreAuthMeter extends ChannelInboundHandlerAdapter {
  private final PreAuthBudget budget;

  /** What this connection has charged to the budget and not given back. */
  private long charged;

  /** The budget refused a read: the connection is closing, and what it sends is dropped. */
  private boolean refused;

  PreAuthMeter(PreAuthBudget budget) {
    this.budget = budget;
  }

  /**
   * The connection on {@code channel} is past its CONNACK: stops charging its reads and gives back
   * what it charged. Does nothing when its pipeline has no meter (no budget, or already called). On
   * the channel's event loop.
   */
  public static void connected(Channel channel) {
    PreAuthMeter meter = channel.pipeline().get(PreAuthMeter.class);
    if (meter != null) {
      channel.pipeline().remove(meter); // handlerRemoved gives back what it charged
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      if (refused) {
        buf.release();
        return;
      }
      int bytes = buf.readableBytes();
      if (!budget.tryCharge(bytes)) {
        refused = true;
        buf.release();
        budget.refused(ctx.channel(), charged + bytes);
        ctx.close();
        return;
      }
      charged += bytes;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    giveBack();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    giveBack();
  }

  private void giveBack() {
    if (charged > 0) {
      budget.release(charged);
      charged = 0;
    }
  }
}
