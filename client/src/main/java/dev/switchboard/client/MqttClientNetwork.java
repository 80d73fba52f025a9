package dev.switchboard.client;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The network threads clients share: one Netty event loop group (epoll where available, NIO
 * otherwise). Ten thousand clients need no more threads than one: each connection is a channel on
 * one of the loops, and each client's handlers run on its own virtual thread.
 *
 * <p>{@link MqttClient#init(MqttClientConfig)} uses {@link #shared()}, made on first use with one
 * loop per core and daemon threads that live as long as the JVM. A program that wants to size or
 * close the threads makes its own with {@link #create} and passes it to {@link
 * MqttClient#init(MqttClientConfig, MqttClientNetwork)}.
 */
public final class MqttClientNetwork implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends Channel> channelClass;

  private MqttClientNetwork(int threads) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("mqtt-client-io", true), io);
    this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Network threads of the caller's own, {@code threads} loops (0: one per core). */
  public static MqttClientNetwork create(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must not be negative: " + threads);
    }
    return new MqttClientNetwork(
        threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
  }

  /** The threads shared by every client made without its own; made on first use. */
  public static MqttClientNetwork shared() {
    return Shared.INSTANCE;
  }

  EventLoopGroup group() {
    return group;
  }

  Class<? extends Channel> channelClass() {
    return channelClass;
  }

  /** Stops the threads; every client using them must be destroyed first. */
  @Override
  public void close() {
    if (this == Shared.INSTANCE) {
      throw new IllegalStateException("the shared client network lives as long as the JVM");
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Holder idiom: made when first asked for, once, without locking. */
  private static final class Shared {
    static final MqttClientNetwork INSTANCE =
        new MqttClientNetwork(Runtime.getRuntime().availableProcessors());
  }
}
