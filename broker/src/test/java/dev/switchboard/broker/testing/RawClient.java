package dev.switchboard.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.DecodeError;
import dev.switchboard.mqtt.codec.MqttDecoder;
import dev.switchboard.mqtt.codec.MqttEncoder;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Will;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A bare MQTT client for conformance tests: sends exactly the packets (or bytes) a test gives it
 * and hands back, in order, every packet the broker sends. No retries, no automatic
 * acknowledgements.
 */
public final class RawClient implements AutoCloseable {
  private static final Object CLOSED = new Object();

  private final EventLoopGroup group;
  private final Channel channel;
  private final MqttDecoder decoder;
  private final MqttEncoder encoder;
  private final BlockingDeque<Object> received = new LinkedBlockingDeque<>();
  private final ReadGate readGate = new ReadGate();

  /**
   * Holds back reads while the client is paused. Turning autoRead off is not enough: a decoder that
   * is left with part of a packet asks for another read itself.
   */
  private static final class ReadGate extends ChannelOutboundHandlerAdapter {
    private volatile boolean paused;

    @Override
    public void read(ChannelHandlerContext ctx) {
      if (!paused) {
        ctx.read();
      }
    }
  }

  private RawClient(
      EventLoopGroup group, String host, int port, MqttVersion version, int receiveBuffer) {
    this.group = group;
    this.decoder = new MqttDecoder(false, 268_435_455);
    this.decoder.setVersion(version);
    this.encoder = new MqttEncoder(version);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(readGate, decoder, encoder)
                        .addLast(
                            new SimpleChannelInboundHandler<Object>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                received.add(msg);
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx) {
                                received.add(CLOSED);
                              }
                            });
                  }
                });
    if (receiveBuffer > 0) {
      b.option(ChannelOption.SO_RCVBUF, receiveBuffer);
    }
    this.channel = b.connect(host, port).syncUninterruptibly().channel();
  }

  /** Opens a TCP connection; nothing is sent yet. */
  public static RawClient open(int port, MqttVersion version) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    return new RawClient(group, "127.0.0.1", port, version, 0);
  }

  /**
   * Opens a TCP connection with a small socket receive buffer, for a client that is meant to stop
   * reading ({@link #pauseReading}) and let the broker's writes back up.
   */
  public static RawClient open(int port, MqttVersion version, int receiveBufferBytes) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    return new RawClient(group, "127.0.0.1", port, version, receiveBufferBytes);
  }

  /** Opens a connection, sends a clean CONNECT and expects a successful CONNACK. */
  public static RawClient connect(int port, MqttVersion version, String clientId) {
    RawClient c = open(port, version);
    ConnAck ack = c.connect(clientId, true, 60, MqttProperties.EMPTY, null);
    assertThat(ack.reasonCode()).as("CONNACK reason code").isZero();
    return c;
  }

  public ConnAck connect(
      String clientId, boolean cleanStart, int keepAlive, MqttProperties props, Will will) {
    send(new Connect(version(), clientId, cleanStart, keepAlive, null, null, will, props));
    return expect(ConnAck.class);
  }

  public MqttVersion version() {
    return decoder.version();
  }

  public void send(MqttPacket packet) {
    channel.writeAndFlush(packet).syncUninterruptibly();
  }

  public void sendBytes(byte[] bytes) {
    channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
  }

  /** The next packet (or DecodeError), or null when none arrives within {@code timeout}. */
  public Object poll(Duration timeout) {
    try {
      Object o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (o == CLOSED) {
        received.add(CLOSED); // stays closed for later polls
        return null;
      }
      return o;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /**
   * Puts a packet back in front of those not yet read, so that the next {@link #poll} returns it:
   * for helpers that look for one packet among several in flight.
   */
  public void unread(Object packet) {
    received.addFirst(packet);
  }

  /** The next packet, which must be of type {@code type}, within 5 seconds. */
  public <T extends MqttPacket> T expect(Class<T> type) {
    Object o = poll(Duration.ofSeconds(5));
    if (o instanceof DecodeError e) {
      throw new AssertionError("expected " + type.getSimpleName() + " but could not decode: " + e);
    }
    assertThat(o).as("next packet from the broker").isInstanceOf(type);
    return type.cast(o);
  }

  /** Asserts that nothing arrives for {@code quiet}. */
  public void expectNothing(Duration quiet) {
    Object o = poll(quiet);
    assertThat(o).as("no packet expected").isNull();
    assertThat(channel.isActive()).as("connection still open").isTrue();
  }

  /** Waits until the broker closes the connection, returning packets that came before it. */
  public java.util.List<Object> awaitClose(Duration timeout) {
    java.util.List<Object> before = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Object o = received.poll(10, TimeUnit.MILLISECONDS);
        if (o == CLOSED) {
          received.add(CLOSED);
          return before;
        }
        if (o != null) {
          before.add(o);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("connection not closed within " + timeout + "; received " + before);
  }

  /** Stops reading from the socket: the broker's writes back up as a slow subscriber's do. */
  public void pauseReading() {
    readGate.paused = true;
    channel.config().setAutoRead(false);
  }

  /** Reads again after {@link #pauseReading}. */
  public void resumeReading() {
    readGate.paused = false;
    channel.config().setAutoRead(true);
    channel.read();
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /**
   * Drops the TCP connection without DISCONNECT (a network failure, as far as the broker knows).
   */
  public void drop() {
    channel.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
