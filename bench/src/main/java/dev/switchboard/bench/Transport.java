package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The generator's network: event loops (epoll where available) and the pipeline for the endpoint's
 * transport (TCP, TLS, WebSocket, WebSocket over TLS).
 *
 * <p>Publishers and the other clients (subscribers, idle connections) run on separate event loop
 * groups. A publisher at full speed keeps its loop busy for as long as the broker takes its bytes;
 * a subscriber sharing that loop would only read between bursts and would measure the generator,
 * not the broker. With their own threads, the operating system shares the cores fairly between
 * sending and receiving.
 */
public final class Transport implements AutoCloseable {
  private final Endpoint endpoint;
  private final ClientOptions options;
  private final EventLoopGroup group;
  private final EventLoopGroup publisherGroup;
  private final Class<? extends Channel> channelClass;
  private final SslContext ssl;
  private final InetSocketAddress remote;
  private final InetSocketAddress publishersRemote;

  public Transport(Endpoint endpoint, ClientOptions options, int threads) {
    this(endpoint, null, options, threads);
  }

  /**
   * With the publishers connecting to {@code publishers} (another node of a cluster, on the same
   * host and transport) and the other clients to {@code endpoint}; null: all to {@code endpoint}.
   *
   * @throws IllegalArgumentException when {@code publishers} is not plain TCP like {@code endpoint}
   */
  public Transport(Endpoint endpoint, Endpoint publishers, ClientOptions options, int threads) {
    if (publishers != null
        && (endpoint.tls() || endpoint.webSocket() || publishers.tls() || publishers.webSocket())) {
      throw new IllegalArgumentException(
          "publishers on another endpoint: plain TCP only (" + publishers + ")");
    }
    this.endpoint = endpoint;
    this.options = options;
    // Everything that can fail comes first: each event loop opens its epoll descriptors when it
    // is created, and a constructor that threw after that would leave them open.
    this.ssl = endpoint.tls() ? sslContext(options) : null;
    this.remote = new InetSocketAddress(endpoint.host(), endpoint.port());
    if (remote.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve host '" + endpoint.host() + "'");
    }
    this.publishersRemote =
        publishers == null ? remote : new InetSocketAddress(publishers.host(), publishers.port());
    if (publishersRemote.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve host '" + publishers.host() + "'");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, io);
    this.publisherGroup = new MultiThreadIoEventLoopGroup(threads, io);
    this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  private static SslContext sslContext(ClientOptions options) {
    try {
      // The JDK's TLS, named: with netty-tcnative on the class path (the broker's TLS listeners
      // bring it) Netty would pick OpenSSL, whose handshake errors all read "General OpenSslEngine
      // problem", where the JDK's say what failed (an unknown certification path, a wrong name).
      SslContextBuilder b =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .protocols("TLSv1.3", "TLSv1.2");
      if (options.insecure()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (options.caFile() != null) {
        b.trustManager(options.caFile().toFile());
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Opens the connection for {@code client}; the client sends CONNECT when it is up. */
  public ChannelFuture connect(BenchClient client) {
    Bootstrap b =
        new Bootstrap()
            .group(client.isPublisher() ? publisherGroup : group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(64 << 10, 128 << 10))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    pipeline(ch.pipeline(), client);
                  }
                });
    client.connecting();
    InetSocketAddress remote = client.isPublisher() ? publishersRemote : this.remote;
    List<InetAddress> sources = options.sourceAddresses();
    if (sources.isEmpty()) {
      return b.connect(remote);
    }
    if (channelClass == EpollSocketChannel.class) {
      // Without it, bind() picks the port on its own, from ports no other socket holds, whatever
      // the address: the sources would share one range, and bind() would search it for each
      // connection once it is crowded. With it, connect() picks the port for the whole
      // (source, destination) pair, as it does for a connection without a source address.
      b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
    InetAddress source = sources.get(client.index() % sources.size());
    return b.connect(remote, new InetSocketAddress(source, 0));
  }

  private void pipeline(ChannelPipeline p, BenchClient client) {
    if (ssl != null) {
      p.addLast("tls", ssl.newHandler(p.channel().alloc(), endpoint.host(), endpoint.port()));
    }
    if (endpoint.webSocket()) {
      URI uri =
          URI.create(
              (endpoint.tls() ? "wss" : "ws")
                  + "://"
                  + endpoint.host()
                  + ":"
                  + endpoint.port()
                  + endpoint.path());
      WebSocketClientProtocolConfig config =
          WebSocketClientProtocolConfig.newBuilder()
              .webSocketUri(uri)
              .subprotocol("mqtt")
              .version(WebSocketVersion.V13)
              .customHeaders(new DefaultHttpHeaders())
              .maxFramePayloadLength(1 << 24)
              .handshakeTimeoutMillis(10_000)
              .build();
      p.addLast("http", new HttpClientCodec());
      p.addLast("http-aggregator", new HttpObjectAggregator(1 << 16));
      p.addLast("ws", new WebSocketClientProtocolHandler(config));
      p.addLast("ws-frames", new BinaryFrames());
    }
    p.addLast("mqtt", client);
  }

  /** MQTT bytes in and out of WebSocket binary frames. */
  private static final class BinaryFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
      out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
      if (frame instanceof BinaryWebSocketFrame
          || frame instanceof io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame) {
        out.add(frame.content().retain());
      }
    }
  }

  @Override
  public void close() {
    var a = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    var b = publisherGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    a.syncUninterruptibly();
    b.syncUninterruptibly();
  }
}
