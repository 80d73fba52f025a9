package dev.switchboard.broker.connection;

import io.netty.channel.ChannelHandler;

/**
 * The flows every connection of a broker shares: plain objects without per-connection state, so
 * that an idle connection costs one handler and its own state, not an object per flow.
 */
public final class ConnectionFlows {
  final ConnectionContext context;
  final ConnectFlow connect;
  final PublishFlow publish;
  final SubscribeFlow subscribe;
  final AcknowledgementFlow acknowledgements = new AcknowledgementFlow();

  public ConnectionFlows(ConnectionContext context) {
    this.context = context;
    this.subscribe = new SubscribeFlow(context);
    this.connect = new ConnectFlow(context, subscribe);
    this.publish = new PublishFlow(context);
  }

  /** The handler that serves one new connection, after the decoder in its pipeline. */
  public ChannelHandler newConnection() {
    return new MqttConnection(this);
  }
}
