package dev.switchboard.client;

import dev.switchboard.mqtt.MqttVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.NoRouteToHostException;

/**
 * Opens a connection to the broker on the network threads: TCP, then the pipeline of its transport
 * (TLS, WebSocket) with a {@link ConnectionHandler} last. What happens next reaches the task thread
 * through its inbox, tagged with the connection's generation.
 */
final class ChannelOpener {
  private final MqttClientNetwork network;
  private final TaskInbox inbox;
  private final WriteGate writeGate;
  private final MqttLink link;

  ChannelOpener(MqttClientNetwork network, TaskInbox inbox, WriteGate writeGate, MqttLink link) {
    this.network = network;
    this.inbox = inbox;
    this.writeGate = writeGate;
    this.link = link;
  }

  /** Starts connecting as {@code attempt}; its channel, not connected yet. */
  Channel open(Connecting attempt, AppliedConfig applied) {
    int gen = attempt.generation;
    BrokerEndpoint ep = attempt.endpoint;
    ClientTls t = applied.tls();
    MqttVersion version = applied.version();
    long timeoutMillis = applied.config().network().timeout().toMillis();
    Bootstrap b =
        new Bootstrap()
            .group(network.group())
            .channel(network.channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ClientPipeline.build(
                        ch.pipeline(),
                        ep,
                        t,
                        version,
                        timeoutMillis,
                        new ConnectionHandler(gen, ep, inbox, writeGate));
                  }
                });
    if (link != null && !link.isUp()) {
      // a device without a network: no socket can reach the broker
      Channel unconnected = b.register().channel();
      unconnected.close();
      inbox.fromNetwork(
          gen,
          new TaskInbox.Closed(
              new NoRouteToHostException("No route to host (the device's network is down)")));
      return unconnected;
    }
    return b.connect(ep.host(), ep.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    inbox.fromNetwork(gen, new TaskInbox.Closed(f.cause()));
                  } else {
                    attempt.tcpUp = true;
                    if (link != null) {
                      Channel ch = f.channel();
                      link.opened(
                          new MqttLink.Connection() {
                            @Override
                            public boolean isOpen() {
                              return ch.isOpen();
                            }

                            @Override
                            public void drop() {
                              ch.close();
                            }
                          });
                    }
                  }
                })
        .channel();
  }
}
