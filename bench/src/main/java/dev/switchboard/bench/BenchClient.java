package dev.switchboard.bench;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One generated MQTT client: an idle connection, a publisher or a subscriber. It is lean on
 * purpose: it reads the packets it receives in place, without decoding them into objects, answers
 * acknowledgements from a few bytes, and writes PUBLISHes from a {@link PublishTemplate}, so the
 * generator spends far less CPU than the broker it measures. Everything here runs on the channel's
 * event loop.
 */
public final class BenchClient extends ByteToMessageDecoder {

  /**
   * What the scenario learns of a client. Each client reports at most one of {@link #failed} and
   * {@link #lost}, once, and counts nothing in {@link Stats#error} itself: the listener does.
   */
  public interface Listener {
    /** CONNACK accepted and, for a subscriber, SUBACK granted. */
    void ready(BenchClient client);

    /** The client could not get ready; {@code why} is one line. */
    void failed(BenchClient client, String why);

    /** A ready client's connection ended without being asked to. */
    void lost(BenchClient client, String why);
  }

  private static final long CONNACK_TIMEOUT_SECONDS = 30;

  private enum State {
    STARTING,
    CONNECTING,
    SUBSCRIBING,
    READY,
    CLOSING,
    CLOSED
  }

  private final int index;
  private final String clientId;
  private final ClientOptions options;
  private final Stats stats;
  private final Listener listener;
  private final List<Subscription> subscriptions;
  private final boolean webSocket;

  /** What it publishes and how fast; null for a client that does not publish. */
  private final PublishPump pump;

  /** Set when the handler joins its pipeline; null for a client whose connect never started. */
  private volatile ChannelHandlerContext ctx;

  /** {@link #close()} was called; read by {@link #handlerAdded} if it came first. */
  private volatile boolean closeRequested;

  private volatile State state = State.STARTING;
  private long connectStartNanos;
  private ScheduledFuture<?> connackTimeout;
  private ScheduledFuture<?> pinger;

  /** Counted in {@link Stats#open}. */
  private boolean counted;

  // Per read burst.
  private ByteBuf acks;
  private long receivedInBurst;
  private boolean persistentSession;

  /**
   * @param subscriptions filters to subscribe to once connected (empty: none)
   * @param template the PUBLISH to send (null: this client does not publish)
   * @param rate messages per second, 0 for the connection's maximum
   * @param window QoS 1/2 messages in flight before waiting for acknowledgements
   */
  public BenchClient(
      int index,
      String clientId,
      ClientOptions options,
      Stats stats,
      Listener listener,
      List<Subscription> subscriptions,
      PublishTemplate template,
      double rate,
      int window,
      boolean webSocket) {
    this.index = index;
    this.clientId = clientId;
    this.options = options;
    this.stats = stats;
    this.listener = listener;
    this.subscriptions = List.copyOf(subscriptions);
    this.webSocket = webSocket;
    this.pump = template == null ? null : new PublishPump(this, template, stats, rate, window);
  }

  /** Connect with a session the broker keeps (clean session 0; 5.0: expiry one hour). */
  public BenchClient persistentSession(boolean persistent) {
    this.persistentSession = persistent;
    return this;
  }

  public int index() {
    return index;
  }

  public String clientId() {
    return clientId;
  }

  public boolean isPublisher() {
    return pump != null;
  }

  /** CONNACK accepted (and SUBACK granted) and still connected. */
  public boolean isReady() {
    return state == State.READY;
  }

  /** Messages this publisher has sent. */
  public long sentCount() {
    return pump == null ? 0 : pump.sentCount();
  }

  public boolean isRated() {
    return pump != null && pump.isRated();
  }

  public io.netty.channel.EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  /** The TCP (or TLS, or WebSocket) connection could not be opened. */
  void connectFailed(String why) {
    if (state == State.STARTING) {
      state = State.CLOSED;
      stats.connectFailed.increment();
      listener.failed(this, why);
    }
  }

  /** The TCP connect attempt starts (the handler is not yet in a pipeline). */
  void connecting() {
    connectStartNanos = System.nanoTime();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (pump != null) {
      pump.attach(ctx);
    }
    if (closeRequested) {
      closeNow();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    if (!webSocket) {
      sendConnect();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      sendConnect();
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail("WebSocket handshake timed out");
    }
    super.userEventTriggered(ctx, evt);
  }

  private void sendConnect() {
    state = State.CONNECTING;
    MqttVersion v = options.version();
    byte[] password =
        options.password() == null ? null : options.password().getBytes(StandardCharsets.UTF_8);
    Connect connect =
        new Connect(
            v,
            clientId,
            !persistentSession,
            options.keepAlive(),
            options.usernameOf(clientId),
            password,
            null,
            persistentSession && v == MqttVersion.V5
                ? MqttProperties.builder().sessionExpiryInterval(3600L).build()
                : MqttProperties.EMPTY);
    ctx.writeAndFlush(MqttCodec.encode(ctx.alloc(), connect, v));
    connackTimeout =
        ctx.executor()
            .schedule(
                () -> fail("no CONNACK within " + CONNACK_TIMEOUT_SECONDS + " s"),
                CONNACK_TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (state == State.CLOSED) {
      // A failed client reads nothing more: no acknowledgement buffers after channelInactive
      // released the last one, no packet handled twice when the decoder runs again at the end.
      in.skipBytes(in.readableBytes());
      return;
    }
    while (true) {
      int start = in.readerIndex();
      int readable = in.readableBytes();
      if (readable < 2) {
        return;
      }
      int remaining = 0;
      int multiplier = 1;
      int lengthBytes = 0;
      int b;
      do {
        if (1 + lengthBytes >= readable) {
          return;
        }
        b = in.getUnsignedByte(start + 1 + lengthBytes);
        remaining += (b & 0x7F) * multiplier;
        multiplier <<= 7;
        lengthBytes++;
        if (lengthBytes > 4) {
          protocolError("malformed remaining length from the broker");
          return;
        }
      } while ((b & 0x80) != 0);
      int headerLength = 1 + lengthBytes;
      if (readable < headerLength + remaining) {
        return;
      }
      int first = in.getUnsignedByte(start);
      int body = start + headerLength;
      handle(in, first, body, remaining);
      if (state == State.CLOSED) {
        return;
      }
      in.readerIndex(body + remaining);
    }
  }

  private void handle(ByteBuf in, int first, int body, int length) {
    switch (first >> 4) {
      case 3 -> onPublish(in, (first >> 1) & 3, body, length);
      case 4 -> onAcknowledged(); // PUBACK
      case 5 -> ack(0x62, in.getUnsignedShort(body)); // PUBREC -> PUBREL
      case 6 -> ack(0x70, in.getUnsignedShort(body)); // PUBREL -> PUBCOMP
      case 7 -> onAcknowledged(); // PUBCOMP
      case 2 -> onConnAck(in.getUnsignedByte(body + 1));
      case 9 -> onSubAck(in, body, length);
      case 13 -> {} // PINGRESP
      case 14 -> {
        int reason = length > 0 ? in.getUnsignedByte(body) : 0;
        fail(String.format("DISCONNECT 0x%02X from the broker", reason));
      }
      default -> protocolError("unexpected packet type " + (first >> 4) + " from the broker");
    }
  }

  private void onConnAck(int code) {
    if (state != State.CONNECTING) {
      protocolError("CONNACK out of turn");
      return;
    }
    cancelConnackTimeout();
    if (code != 0) {
      fail(String.format("CONNACK refused 0x%02X", code));
      return;
    }
    stats.recordConnectNanos(System.nanoTime() - connectStartNanos);
    stats.connected.increment();
    stats.open.increment();
    counted = true;
    if (options.keepAlive() > 0) {
      long every = options.keepAlive() * 750L;
      pinger = ctx.executor().scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
    }
    if (subscriptions.isEmpty()) {
      becomeReady();
      return;
    }
    state = State.SUBSCRIBING;
    Subscribe subscribe = new Subscribe(1, subscriptions, MqttProperties.EMPTY);
    ctx.writeAndFlush(MqttCodec.encode(ctx.alloc(), subscribe, options.version()));
  }

  private void onSubAck(ByteBuf in, int body, int length) {
    if (state != State.SUBSCRIBING) {
      protocolError("SUBACK out of turn");
      return;
    }
    int p = body + 2;
    int end = body + length;
    if (options.version() == MqttVersion.V5) {
      p = skipProperties(in, p, end);
    }
    for (; p < end; p++) {
      int code = in.getUnsignedByte(p);
      if (code >= 0x80) {
        fail(String.format("SUBACK refused a subscription with 0x%02X", code));
        return;
      }
    }
    becomeReady();
  }

  /** Skips an MQTT 5 property block starting at {@code p}; returns the index after it. */
  private static int skipProperties(ByteBuf in, int p, int end) {
    int propertyLength = 0;
    int multiplier = 1;
    int b;
    do {
      b = in.getUnsignedByte(p++);
      propertyLength += (b & 0x7F) * multiplier;
      multiplier <<= 7;
    } while ((b & 0x80) != 0 && p < end);
    return p + propertyLength;
  }

  private void becomeReady() {
    state = State.READY;
    listener.ready(this);
  }

  private void onPublish(ByteBuf in, int qos, int body, int length) {
    int topicLength = in.getUnsignedShort(body);
    int p = body + 2 + topicLength;
    int packetId = 0;
    if (qos > 0) {
      packetId = in.getUnsignedShort(p);
      p += 2;
    }
    int end = body + length;
    if (options.version() == MqttVersion.V5) {
      p = skipProperties(in, p, end);
    }
    if (end - p >= PublishTemplate.MIN_SIZE) {
      long sent = in.getLong(p);
      long delay = System.nanoTime() - sent;
      // Another sender's payload is not a send time; a plausible delay is under an hour.
      if (delay >= 0 && delay < TimeUnit.HOURS.toNanos(1)) {
        stats.recordLatencyNanos(delay);
      }
    }
    receivedInBurst++;
    if (qos == 1) {
      ack(0x40, packetId);
    } else if (qos == 2) {
      ack(0x50, packetId);
    }
  }

  private void onAcknowledged() {
    if (pump != null) {
      pump.acknowledged();
    }
  }

  /** Queues a two-byte-identifier acknowledgement, written when the read burst ends. */
  private void ack(int firstByte, int packetId) {
    if (acks == null) {
      acks = ctx.alloc().ioBuffer(256);
    }
    acks.writeByte(firstByte).writeByte(2).writeShort(packetId);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (receivedInBurst > 0) {
      stats.received.add(receivedInBurst);
      receivedInBurst = 0;
    }
    if (acks != null) {
      ByteBuf out = acks;
      acks = null;
      ctx.writeAndFlush(out, ctx.voidPromise());
    }
    if (pump != null) {
      pump.readComplete();
    }
    super.channelReadComplete(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable() && pump != null) {
      pump.writable();
    }
    super.channelWritabilityChanged(ctx);
  }

  /** Starts publishing (call on any thread). */
  public void startPublishing(long startNanos) {
    ctx.executor()
        .execute(
            () -> {
              if (state == State.READY && pump != null) {
                pump.start(startNanos);
              }
            });
  }

  /** Stops publishing (call on any thread); messages in flight are still acknowledged. */
  public void stopPublishing() {
    if (pump != null) {
      ctx.executor().execute(pump::stop);
    }
  }

  /** For a rated publisher, called by its loop's ticker: sends what is due by now. */
  void tick(long nowNanos) {
    if (pump != null) {
      pump.tick(nowNanos);
    }
  }

  private void ping() {
    if (state == State.READY || state == State.SUBSCRIBING) {
      ByteBuf ping = ctx.alloc().ioBuffer(2).writeByte(0xC0).writeByte(0);
      ctx.writeAndFlush(ping, ctx.voidPromise());
    }
  }

  /**
   * Sends DISCONNECT and closes (call on any thread). A client whose connect has not reached its
   * event loop yet closes as soon as it does; one that was never connected has nothing to close.
   */
  public void close() {
    closeRequested = true;
    ChannelHandlerContext ctx = this.ctx;
    if (ctx != null) {
      ctx.executor().execute(this::closeNow);
    }
  }

  private void closeNow() {
    if (state == State.CLOSED || state == State.CLOSING) {
      return;
    }
    boolean connected = state == State.READY || state == State.SUBSCRIBING;
    state = State.CLOSING;
    if (pump != null) {
      pump.stop();
    }
    cancelTimers();
    if (connected && ctx.channel().isActive()) {
      ByteBuf d = MqttCodec.encode(ctx.alloc(), Disconnect.NORMAL, options.version());
      ctx.writeAndFlush(d).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private void fail(String why) {
    if (state == State.CLOSED || state == State.CLOSING) {
      return;
    }
    boolean wasReady = state == State.READY;
    state = State.CLOSED;
    cancelTimers();
    uncount();
    ctx.close();
    if (wasReady) {
      stats.connectionLost.increment();
      listener.lost(this, why);
    } else {
      stats.connectFailed.increment();
      listener.failed(this, why);
    }
  }

  private void protocolError(String why) {
    fail(why);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (state == State.CLOSING) {
      state = State.CLOSED;
      uncount();
      cancelTimers();
    } else if (state != State.CLOSED) {
      fail(
          state == State.READY
              ? "connection closed by the broker"
              : "connection closed before CONNACK");
    }
    if (acks != null) {
      acks.release();
      acks = null;
    }
    super.channelInactive(ctx);
  }

  private void uncount() {
    if (counted) {
      counted = false;
      stats.open.decrement();
    }
  }

  private void cancelConnackTimeout() {
    if (connackTimeout != null) {
      connackTimeout.cancel(false);
      connackTimeout = null;
    }
  }

  private void cancelTimers() {
    cancelConnackTimeout();
    if (pinger != null) {
      pinger.cancel(false);
      pinger = null;
    }
  }
}
