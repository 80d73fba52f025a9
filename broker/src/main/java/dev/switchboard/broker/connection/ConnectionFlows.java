package dev.switchboard.broker.connection;

import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ConcurrentHashMap;

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
  private final ConcurrentHashMap<EventExecutor, ConnectionTimers> timers =
      new ConcurrentHashMap<>();

  public ConnectionFlows(ConnectionContext context) {
    this.context = context;
    this.subscribe = new SubscribeFlow(context);
    this.connect = new ConnectFlow(context, subscribe);
    this.publish = new PublishFlow(context);
  }

  /** The timeout sweep of {@code loop}, made at its first connection. */
  ConnectionTimers timersOf(EventExecutor loop) {
    ConnectionTimers t = timers.get(loop);
    return t != null ? t : timers.computeIfAbsent(loop, ConnectionTimers::new);
  }

  /** The handler that serves one new connection, after the decoder in its pipeline. */
  public ChannelHandler newConnection() {
    return new MqttConnection(this);
  }
}
