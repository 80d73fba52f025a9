package dev.switchboard.broker;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.connection.ConnectionFlows;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.broker.transport.ChannelInfo;
import dev.switchboard.broker.transport.CompactReadAllocator;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.ListenerTransport;
import dev.switchboard.broker.transport.PreAuthBudget;
import dev.switchboard.broker.transport.ServerTls;
import dev.switchboard.mqtt.codec.MqttDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The server sockets: one per enabled listener, each giving its connections the pipeline its kind
 * needs (PROXY, TLS, WebSocket) in front of the decoder and the connection, and until CONNACK a
 * meter in front of everything that charges what they send to the broker's budget for
 * unauthenticated connections.
 */
final class Listeners {
  private final BrokerConfig config;
  private final BrokerMetrics metrics;
  private final ConnectionFlows flows;
  private final ChannelGroup clients;
  private final BooleanSupplier stopping;

  /** What all connections of every listener may have sent before CONNACK; null for no budget. */
  private final PreAuthBudget preAuthBudget;

  /** Bound listeners by name, in the order they were bound. */
  private final Map<String, BoundListener> bound = new LinkedHashMap<>();

  private final List<Channel> channels = new ArrayList<>();

  Listeners(
      BrokerConfig config,
      BrokerMetrics metrics,
      ConnectionFlows flows,
      ChannelGroup clients,
      BooleanSupplier stopping) {
    this.config = config;
    this.metrics = metrics;
    this.flows = flows;
    this.clients = clients;
    this.stopping = stopping;
    this.preAuthBudget =
        config.preAuthBudget() > 0 ? new PreAuthBudget(config.preAuthBudget(), metrics) : null;
  }

  /**
   * Binds {@code listener}. Throws {@link ListenerException} naming the address when the port
   * cannot be bound (taken, no permission).
   */
  void bind(
      ListenerConfig listener,
      EventLoopGroup group,
      Class<? extends ServerChannel> channelClass,
      ServerTls tls) {
    String host = listener.host() != null ? listener.host() : config.bindAddress();
    int port = listener.port();
    String name = listener.name();
    ListenerTransport transport =
        ListenerTransport.of(
            listener, tls, metrics, config.maxPacketSize(), config.connectTimeout());
    LongConsumer countReceived = metrics.bytesReceived::add; // one for all its connections
    CompactReadAllocator readSizes = new CompactReadAllocator(16); // one for all its connections
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .attr(ChannelInfo.LISTENER, name) // on the listening channel, read through parent()
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (stopping.getAsBoolean()
                        || (config.maxConnections() > 0
                            && clients.size() >= config.maxConnections())) {
                      ch.close();
                      return;
                    }
                    clients.add(ch);
                    if (preAuthBudget != null) {
                      // first, so that it counts the bytes before anything buffers them; the
                      // connection takes it out at CONNACK
                      ch.pipeline().addLast("pre-auth", preAuthBudget.newMeter());
                    }
                    if (transport != null) {
                      transport.initChannel(ch); // PROXY, TLS, WebSocket: what the listener needs
                    }
                    // Two handlers: the decoder (which also counts the bytes read) and the
                    // connection, which encodes what it writes itself, into one buffer per burst.
                    ch.pipeline()
                        .addLast(
                            "decoder",
                            new MqttDecoder(
                                true,
                                config.maxPacketSize(),
                                config.maxConnectSize(),
                                countReceived))
                        .addLast("mqtt", flows.newConnection());
                  }
                });
    try {
      Channel ch = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
      channels.add(ch);
      bound.put(name, new BoundListener(listener, (InetSocketAddress) ch.localAddress()));
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      // Native transports say "bind(..) failed with error(-98): Address already in use"
      int cut = why.lastIndexOf("): ");
      if (cut >= 0 && e instanceof IOException) {
        why = why.substring(cut + 3);
      }
      throw new ListenerException(
          listener.kind().scheme() + "://" + host + ":" + port + ": cannot listen: " + why, e);
    }
  }

  /** The listeners that are bound, by name, in the order they were bound. */
  Map<String, BoundListener> bound() {
    return bound;
  }

  /** Stops accepting: closes every server socket. */
  void close() {
    for (Channel l : channels) {
      l.close().syncUninterruptibly();
    }
  }
}
