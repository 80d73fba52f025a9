package dev.switchboard.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The last handler of a connection, on its event loop: hands everything to the task thread and
 * stops reading while the task is behind. It takes no lock of the client's: the task inbox and the
 * write gate are all it touches.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private final int gen;
  private final BrokerEndpoint ep;
  private final TaskInbox inbox;
  private final WriteGate writeGate;
  private Throwable failure;
  private boolean up;

  ConnectionHandler(int gen, BrokerEndpoint ep, TaskInbox inbox, WriteGate writeGate) {
    this.gen = gen;
    this.ep = ep;
    this.inbox = inbox;
    this.writeGate = writeGate;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (!ep.transport().isTls() && !ep.transport().isWebSocket()) {
      transportUp();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e) {
      if (!e.isSuccess()) {
        failure = e.cause();
      } else if (!ep.transport().isWebSocket()) {
        transportUp();
      }
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      transportUp();
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void transportUp() {
    if (!up) {
      up = true;
      inbox.fromNetwork(gen, new TaskInbox.TransportUp());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inbox.fromNetwork(gen, msg);
    if (inbox.isBehind()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      writeGate.signalWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inbox.fromNetwork(gen, new TaskInbox.Closed(failure));
    writeGate.signalWritable();
  }
}
