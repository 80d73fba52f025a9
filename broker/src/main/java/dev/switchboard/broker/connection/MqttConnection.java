package dev.switchboard.broker.connection;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.broker.routing.Backpressure;
import dev.switchboard.broker.routing.PublisherAcknowledgement;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.session.Outbound;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.transport.ChannelInfo;
import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.codec.DecodeError;
import dev.switchboard.mqtt.packet.Auth;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PingReq;
import dev.switchboard.mqtt.packet.PingResp;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubComp;
import dev.switchboard.mqtt.packet.PubRec;
import dev.switchboard.mqtt.packet.PubRel;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Unsubscribe;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the Netty adapter between the codec and the session, and the state the
 * flows share. It reads packets and dispatches them to the {@link ConnectFlow}, {@link PublishFlow}
 * and {@link SubscribeFlow} (shared by every connection), settles acknowledgements through its
 * {@link Replies} and writes through its {@link OutboundWriter}. Lives on its channel's event loop;
 * so does the session while this connection is attached to it.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter
    implements SessionConnection, Backpressure, PublisherAcknowledgement {
  private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);

  enum State {
    AWAITING_CONNECT,
    AUTHENTICATING,
    ATTACHING,
    CONNECTED,
    CLOSED
  }

  /** How long a connection we ended still reads (and drops) what its client sends. */
  private static final long CLOSE_LINGER_MILLIS = 1_000;

  final ConnectionFlows flows;
  final BrokerConfig config;
  final BrokerMetrics metrics;

  ChannelHandlerContext ctx;
  Channel channel;
  OutboundWriter writer;
  State state = State.AWAITING_CONNECT;

  /** Packets read before the session was ready; null when there are none. */
  List<MqttPacket> pending;

  /**
   * Until CONNACK, when the connection became active (the connect timeout runs from there); then,
   * with a keep alive, when a packet was last read.
   */
  private long lastReadNanos;

  /** The sweep of this loop that checks the two timeouts, and this connection's slot in it. */
  private ConnectionTimers timers;

  int timerSlot = -1;

  ClientIdentity identity;
  boolean fixedSubscriptionsSet;
  Session session;
  boolean assignedClientId;
  long sessionExpiry;
  long requestedSessionExpiry;
  PendingWill will;
  int keepAlive;
  boolean keepAliveChanged;

  /** When the session was attached (epoch milliseconds), for administrators. */
  private long connectedAtMillis;

  boolean sessionExpiryChanged;
  int sendQuota;

  /** Client-to-server aliases [MQTT-3.3.2-10]; null until the first. */
  Map<Integer, String> inboundAliases;

  /** Acknowledgements waiting for a commit, with those made after them; null until one waits. */
  Replies replies;

  /** The hold route targets took on the PUBLISH being routed; null when none (the usual case). */
  AcknowledgementHold routedHold;

  /** Whether this connection is counted in clients connected. */
  boolean counted;

  /** Reading was stopped because the journal is at its bound; it resumes once there is room. */
  private boolean pausedForJournal;

  /**
   * Reading was stopped because a subscriber's mailbox is past its bound (this client publishes
   * faster than that subscriber's loop takes the messages); it resumes once there is room.
   */
  private boolean pausedForSubscriber;

  MqttConnection(ConnectionFlows flows) {
    this.flows = flows;
    this.config = flows.context.config();
    this.metrics = flows.context.metrics();
  }

  // ---------------------------------------------------------------- Netty events

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Before any event, even when the channel closes before it is active (a failed upgrade)
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.writer = new OutboundWriter(channel, metrics);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    metrics.connectionsAccepted.increment();
    // the connect timeout also bounds a slow authenticator: no CONNACK within it, no connection
    lastReadNanos = System.nanoTime();
    timers = flows.timersOf(ctx.executor());
    timers.add(this);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSED) {
      ReferenceCountUtil.release(msg); // drained after our last packet: nothing more is served
      return;
    }
    if (msg instanceof DecodeError error) {
      onDecodeError(error);
      return;
    }
    if (!(msg instanceof MqttPacket packet)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    switch (state) {
      case AWAITING_CONNECT -> flows.connect.onConnect(this, (Connect) packet);
      case AUTHENTICATING, ATTACHING -> {
        // A client may send before CONNACK; keep it, within reason, until the session is ready.
        if (pending == null) {
          pending = new ArrayList<>();
        }
        if (pending.size() >= config.receiveMaximum() + 64) {
          protocolError(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "too many packets before CONNACK");
        } else {
          pending.add(packet);
        }
      }
      case CONNECTED -> dispatch(packet);
      case CLOSED -> {}
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.CONNECTED && keepAlive > 0) {
      lastReadNanos = System.nanoTime();
    }
    writer.flush();
    Journal journal = flows.context.journal();
    if (journal != null && state == State.CONNECTED && !pausedForJournal && journal.isFull()) {
      // What this client sends is appended to the journal faster than the store commits it: read
      // no more from it until the journal has room again (the bound of the journal's queue).
      pausedForJournal = true;
      metrics.readsPausedForJournal.increment();
      channel.config().setAutoRead(false);
      EventLoop loop = channel.eventLoop();
      journal.whenRoom(() -> loop.execute(this::resumeAfterJournal));
    }
  }

  private void resumeAfterJournal() {
    pausedForJournal = false;
    readIfAllowed();
  }

  @Override
  public void subscriberFull(Subscriber subscriber) {
    if (pausedForSubscriber) {
      return;
    }
    pausedForSubscriber = true;
    metrics.readsPausedForSubscriber.increment();
    channel.config().setAutoRead(false);
    EventLoop loop = channel.eventLoop();
    subscriber.whenRoom(() -> loop.execute(this::resumeAfterSubscriber));
  }

  private void resumeAfterSubscriber() {
    pausedForSubscriber = false;
    readIfAllowed();
  }

  /**
   * Reads from the client while it is connected, unless something it sends cannot be taken now: its
   * own acknowledgements back up (the socket is not writable: a client that does not read them
   * stops being read itself), the journal or a subscriber it publishes to is past its bound.
   */
  void readIfAllowed() {
    if (state == State.CONNECTED) {
      channel
          .config()
          .setAutoRead(channel.isWritable() && !pausedForJournal && !pausedForSubscriber);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = channel.isWritable();
    // (Before the session is ready reading is off anyway; ready() turns it on.)
    readIfAllowed();
    if (writable && session != null && state == State.CONNECTED) {
      session.drain();
      writer.flush();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ServerShutdown shutdown) {
      shutdown.handled();
      if (state == State.CONNECTED) {
        disconnect(ReasonCode.SERVER_SHUTTING_DOWN, null);
      } else {
        close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timers != null) {
      timers.remove(this);
    }
    writer.discard();
    state = State.CLOSED;
    detachSession();
    if (counted) {
      counted = false;
      metrics.clientDisconnected();
    }
    releaseHubSlot();
    ctx.fireChannelInactive();
  }

  /**
   * Gives back the slot of its hub's connection limit: one is held by every connection whose
   * principal has such a limit (the principal is set only once the slot was taken), and no field is
   * spent on it.
   */
  private void releaseHubSlot() {
    Principal p = identity == null ? null : identity.principal();
    if (p != null && p.quota().connections() > 0) {
      flows.context.spaces().of(p.hub()).connections().decrementAndGet();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException) {
      log.debug("{}: {}", describe(), cause.toString());
    } else {
      log.warn("{}: closing after an unexpected error", describe(), cause);
    }
    close();
  }

  // ---------------------------------------------------------------- keep alive

  /**
   * [MQTT-3.1.2-24]: one and a half times the keep alive without a packet closes the connection,
   * checked by the loop's {@link ConnectionTimers} sweep from now on.
   */
  void startKeepAlive() {
    lastReadNanos = System.nanoTime();
  }

  /** Called by the loop's sweep: ends a connection past its connect timeout or its keep alive. */
  void checkTimeouts(long now) {
    switch (state) {
      case AWAITING_CONNECT, AUTHENTICATING -> {
        if (now - lastReadNanos >= config.connectTimeout().toNanos()) {
          log.debug(
              "{}: not connected within {}",
              ChannelInfo.remoteAddress(channel),
              config.connectTimeout());
          close();
        }
      }
      case CONNECTED -> {
        if (keepAlive > 0
            && now - lastReadNanos >= TimeUnit.MILLISECONDS.toNanos(keepAlive * 1500L)) {
          metrics.keepAliveTimeouts.increment();
          log.info("{}: keep alive of {} s expired, closing", describe(), keepAlive);
          disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, null);
        }
      }
      case ATTACHING, CLOSED -> {}
    }
  }

  // ---------------------------------------------------------------- packets after CONNACK

  void dispatch(MqttPacket packet) {
    switch (packet) {
      case Publish p -> flows.publish.onPublish(this, p);
      case PubAck a -> flows.acknowledgements.onPubAck(this, a);
      case PubRec r -> flows.acknowledgements.onPubRec(this, r);
      case PubRel r -> flows.publish.onPubRel(this, r);
      case PubComp c -> flows.acknowledgements.onPubComp(this, c);
      case Subscribe s -> flows.subscribe.onSubscribe(this, s);
      case Unsubscribe u -> flows.subscribe.onUnsubscribe(this, u);
      case PingReq ignored ->
          writer.write(PingResp.INSTANCE); // not an acknowledgement: never waits
      case Disconnect d -> flows.connect.onDisconnect(this, d);
      case Auth ignored ->
          // [MQTT-4.12.0-7]: a client whose CONNECT had no Authentication Method must not send
          // AUTH (and one with a method is refused: there is no enhanced authentication here)
          protocolError(ReasonCode.PROTOCOL_ERROR, "AUTH without an authentication method");
      default -> protocolError(ReasonCode.PROTOCOL_ERROR, "unexpected " + packet.type());
    }
  }

  /** {@code code} for a 5.0 client; 0 (success, the only code 3.1.1 knows) otherwise. */
  int v5Code(int code) {
    return writer.isV5() ? code : 0;
  }

  /**
   * Sends an acknowledgement, after the commit of what was appended to the journal before it when
   * {@code afterCommit} and durability is strict, and always after the acknowledgements made before
   * it; then runs {@code after} (if any) on this loop.
   */
  void reply(MqttPacket packet, boolean afterCommit, Runnable after) {
    Replies.send(this, packet, afterCommit, null, after);
  }

  /** A route target holds the PUBLISH being routed's acknowledgement; PublishFlow takes it. */
  @Override
  public AcknowledgementHold hold() {
    if (routedHold == null) {
      routedHold = new AcknowledgementHold();
    }
    return routedHold.hold();
  }

  // ---------------------------------------------------------------- errors and closing

  private void onDecodeError(DecodeError error) {
    metrics.protocolErrors.increment();
    log.info(
        "{}: {} ({}), closing",
        describe(),
        error.message(),
        ReasonCode.describe(error.reasonCode()));
    if (state == State.AWAITING_CONNECT || error.inConnect()) {
      MqttVersion v = error.version();
      if (v == MqttVersion.V5) {
        writer.version(MqttVersion.V5);
        writeAndClose(new ConnAck(false, error.reasonCode(), MqttProperties.EMPTY));
      } else if (error.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
        writer.version(MqttVersion.V3_1_1);
        writeAndClose(
            new ConnAck(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, MqttProperties.EMPTY));
      } else {
        close();
      }
      return;
    }
    disconnect(error.reasonCode(), error.message());
  }

  /** Ends the connection for a protocol error: DISCONNECT with the reason in 5.0, then close. */
  void protocolError(int reasonCode, String why) {
    metrics.protocolErrors.increment();
    log.info("{}: {} ({}), closing", describe(), why, ReasonCode.describe(reasonCode));
    disconnect(reasonCode, why);
  }

  /**
   * Ends the connection: in 5.0 with a DISCONNECT naming the reason, but only once a CONNACK has
   * gone out [MQTT-3.14.0-1]; before that the connection is just closed.
   */
  @Override
  public void disconnect(int reasonCode, String reasonString) {
    if (state == State.CLOSED) {
      return;
    }
    boolean connAckSent = state == State.CONNECTED;
    state = State.CLOSED;
    if (writer.isV5() && connAckSent && channel.isActive()) {
      writeAndClose(new Disconnect(reasonCode, writer.reasonFor(reasonString)));
    } else {
      close();
    }
  }

  /**
   * Writes a last packet and closes. The close does not wait for the write to complete: a peer that
   * reads nothing (the usual case after a keep alive timeout) must not hold the connection open. On
   * the event loop the flush hands the packet to the socket before the close.
   */
  void writeAndClose(MqttPacket packet) {
    state = State.CLOSED;
    writer.write(packet);
    writer.flush();
    if (channel instanceof DuplexChannel duplex && channel.isActive()) {
      // Closing with the client's last packets unread would make the kernel reset the connection,
      // and a reset discards the packet above before the client reads it. Instead: end our side
      // (the client reads the packet, then the end), read and drop what it still sends, and close
      // when it does, or after a while at most.
      duplex.shutdownOutput();
      channel.config().setAutoRead(true);
      detachSession(); // the session does not wait for the linger
      ctx.executor().schedule(() -> channel.close(), CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      channel.close();
    }
  }

  /**
   * The connection is lost to its session, if it still has one. Not a normal DISCONNECT (that one
   * detached already): the will applies [MQTT-3.1.2-8].
   */
  private void detachSession() {
    if (session != null) {
      Session s = session;
      session = null;
      s.execute(() -> s.connectionLost(this, true));
    }
  }

  /** Closes after flushing what was written (a PUBACK, a delivery) but not flushed yet. */
  void close() {
    state = State.CLOSED;
    writer.flush();
    channel.close();
  }

  /**
   * The client's address and id for a log line. The id is the client's to choose: escaped here,
   * where every connection log line gets it, so that none can start a forged line.
   */
  String describe() {
    String who = identity == null ? "" : " '" + LogSafe.text(identity.clientId()) + "'";
    return (channel == null ? "?" : String.valueOf(ChannelInfo.remoteAddress(channel))) + who;
  }

  // ---------------------------------------------------------------- SessionConnection

  @Override
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  @Override
  public boolean isActive() {
    return channel.isActive() && state != State.CLOSED;
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public int sendQuota() {
    return sendQuota;
  }

  @Override
  public boolean sendPublish(Outbound o, boolean dup) {
    if (state != State.CONNECTED) {
      return true; // the session will resend on resumption; nothing to drop
    }
    return writer.writePublish(o, dup);
  }

  @Override
  public void sendPubRel(int packetId) {
    writer.write(new PubRel(packetId));
  }

  @Override
  public void attached(Session attachedSession, boolean sessionPresent) {
    connectedAtMillis = System.currentTimeMillis();
    flows.connect.attached(this, attachedSession, sessionPresent);
  }

  @Override
  public void ready() {
    flows.connect.ready(this);
  }

  @Override
  public void takenOver() {
    log.info("{}: session taken over by a new connection", describe());
    session = null; // the session handles the loss itself (its will by the takeover's rules)
    if (writer.isV5() && channel.isActive()) {
      writeAndClose(
          new Disconnect(ReasonCode.SESSION_TAKEN_OVER, MqttProperties.EMPTY)); // [MQTT-3.1.4-3]
    } else {
      close();
    }
  }

  @Override
  public boolean rejectsTakeover() {
    return identity != null
        && identity.principal() != null
        && identity.principal().rejectTakeover();
  }

  @Override
  public void identifierRejected() {
    ctx.executor()
        .execute(
            () -> {
              if (state == State.ATTACHING) {
                flows.connect.refuse(
                    this,
                    ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client id in use by a live connection, and its device rejects a second one",
                    "client id in use");
              }
            });
  }

  @Override
  public ClientIdentity identity() {
    return identity;
  }

  @Override
  public long sessionExpiry() {
    return sessionExpiry;
  }

  @Override
  public PendingWill will() {
    return will;
  }

  @Override
  public boolean isMqtt5() {
    return writer.isV5();
  }

  @Override
  public int protocolLevel() {
    return writer.version().level();
  }

  @Override
  public int keepAliveSeconds() {
    return keepAlive;
  }

  @Override
  public long connectedAtMillis() {
    return connectedAtMillis;
  }
}
