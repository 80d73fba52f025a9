package dev.switchboard.broker;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.session.SubscriptionEntry;
import dev.switchboard.broker.transport.ChannelInfo;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.codec.DecodeError;
import dev.switchboard.mqtt.codec.MqttCodec;
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
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.UnsubAck;
import dev.switchboard.mqtt.packet.Unsubscribe;
import dev.switchboard.mqtt.packet.Will;
import dev.switchboard.mqtt.topic.SharedSubscription;
import dev.switchboard.mqtt.topic.Topics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the protocol state machine between the codec and the session. Lives on its
 * channel's event loop; so does the session while this connection is attached to it.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements SessionConnection {
  private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);

  private enum State {
    AWAITING_CONNECT,
    AUTHENTICATING,
    ATTACHING,
    CONNECTED,
    CLOSED
  }

  private final Broker broker;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;

  private ChannelHandlerContext ctx;
  private Channel channel;
  private State state = State.AWAITING_CONNECT;
  private ScheduledFuture<?> connectTimeout;

  /** Packets read before the session was ready; null when there are none. */
  private List<MqttPacket> pending;

  private boolean flushScheduled;

  /**
   * Packets encoded but not yet handed to the channel: a burst of deliveries becomes one buffer,
   * one write and one flush. Null when empty, so an idle connection holds no buffer.
   */
  private ByteBuf out;

  /** Keep alive: when a packet was last read, and the check that closes an idle connection. */
  private long lastReadNanos;

  private ScheduledFuture<?> keepAliveCheck;

  private MqttVersion version = MqttVersion.V3_1_1;
  private ClientIdentity identity;
  private boolean fixedSubscriptionsSet;
  private Session session;
  private boolean assignedClientId;
  private long sessionExpiry;
  private long requestedSessionExpiry;
  private PendingWill will;
  private int keepAlive;
  private boolean keepAliveChanged;
  private boolean sessionExpiryChanged;
  private int sendQuota;
  private long clientMaxPacketSize = Long.MAX_VALUE;
  private int clientTopicAliasMaximum;
  private boolean requestProblemInformation = true;

  /** Client-to-server aliases [MQTT-3.3.2-10]. */
  private Map<Integer, String> inboundAliases;

  /** Server-to-client aliases we assigned, up to the client's Topic Alias Maximum. */
  private Map<String, Integer> outboundAliases;

  MqttConnection(Broker broker) {
    this.broker = broker;
    this.config = broker.config();
    this.metrics = broker.metrics();
  }

  // ---------------------------------------------------------------- Netty events

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
    metrics.connectionsAccepted.increment();
    connectTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  // also bounds a slow authenticator: no CONNACK within the timeout, no connection
                  if (state == State.AWAITING_CONNECT || state == State.AUTHENTICATING) {
                    log.debug(
                        "{}: not connected within {}",
                        ChannelInfo.remoteAddress(channel),
                        config.connectTimeout());
                    close();
                  }
                },
                config.connectTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof DecodeError error) {
      onDecodeError(error);
      return;
    }
    if (!(msg instanceof MqttPacket packet)) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    switch (state) {
      case AWAITING_CONNECT -> onConnect((Connect) packet);
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
    if (keepAliveCheck != null) {
      lastReadNanos = System.nanoTime();
    }
    flushNow();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = channel.isWritable();
    if (state == State.CONNECTED) {
      // A client that does not read its acknowledgements stops being read itself. (Before the
      // session is ready reading is off anyway; ready() turns it on.)
      channel.config().setAutoRead(writable);
    }
    if (writable && session != null && state == State.CONNECTED) {
      session.drain();
      flushNow();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * [MQTT-3.1.2-24]: one and a half times the keep alive without a packet closes the connection.
   * One timer per connection that re-arms itself for the time left, rather than a handler of its
   * own in the pipeline: an idle connection should cost as little memory as it can.
   */
  private void startKeepAlive() {
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(keepAlive * 1500L);
    lastReadNanos = System.nanoTime();
    keepAliveCheck = ctx.executor().schedule(this::checkKeepAlive, idleNanos, TimeUnit.NANOSECONDS);
  }

  private void checkKeepAlive() {
    if (state != State.CONNECTED) {
      return;
    }
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(keepAlive * 1500L);
    long left = lastReadNanos + idleNanos - System.nanoTime();
    if (left > 0) {
      keepAliveCheck = ctx.executor().schedule(this::checkKeepAlive, left, TimeUnit.NANOSECONDS);
      return;
    }
    metrics.keepAliveTimeouts.increment();
    log.info("{}: keep alive of {} s expired, closing", describe(), keepAlive);
    disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, null);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connectTimeout != null) {
      connectTimeout.cancel(false);
      connectTimeout = null;
    }
    if (keepAliveCheck != null) {
      keepAliveCheck.cancel(false);
      keepAliveCheck = null;
    }
    if (out != null) {
      out.release();
      out = null;
    }
    state = State.CLOSED;
    if (session != null) {
      // Not a normal DISCONNECT (that one detached already): the will applies [MQTT-3.1.2-8]
      Session s = session;
      session = null;
      s.execute(() -> s.connectionLost(this, true));
    }
    if (counted) {
      counted = false;
      metrics.clientDisconnected();
    }
    ctx.fireChannelInactive();
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

  // ---------------------------------------------------------------- errors

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
        version = MqttVersion.V5;
        writeAndClose(new ConnAck(false, error.reasonCode(), MqttProperties.EMPTY));
      } else if (error.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
        version = MqttVersion.V3_1_1;
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
  private void protocolError(int reasonCode, String why) {
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
    if (version == MqttVersion.V5 && connAckSent && channel.isActive()) {
      MqttProperties props =
          requestProblemInformation ? reasonProperties(reasonString) : MqttProperties.EMPTY;
      writeAndClose(new Disconnect(reasonCode, props));
    } else {
      close();
    }
  }

  /**
   * Writes a last packet and closes. The close does not wait for the write to complete: a peer that
   * reads nothing (the usual case after a keep alive timeout) must not hold the connection open. On
   * the event loop the flush hands the packet to the socket before the close.
   */
  private void writeAndClose(MqttPacket packet) {
    state = State.CLOSED;
    write(packet);
    flushNow();
    channel.close();
  }

  /** Closes after flushing what was written (a PUBACK, a delivery) but not flushed yet. */
  private void close() {
    state = State.CLOSED;
    flushNow();
    channel.close();
  }

  private String describe() {
    String who = identity == null ? "" : " '" + identity.clientId() + "'";
    return (channel == null ? "?" : String.valueOf(ChannelInfo.remoteAddress(channel))) + who;
  }

  // ---------------------------------------------------------------- CONNECT

  private void onConnect(Connect connect) {
    version = connect.version();
    boolean v5 = version == MqttVersion.V5;
    MqttProperties props = connect.properties();

    String clientId = connect.clientId();
    if (clientId.isEmpty()) {
      boolean allowed =
          config.allowEmptyClientId()
              && (v5 || (version == MqttVersion.V3_1_1 && connect.cleanStart()));
      if (!allowed) {
        // [MQTT-3.1.3-8] 3.1.1 rejects an empty id without clean session; 3.1 always
        refuseConnect(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id not allowed");
        return;
      }
      clientId = "sb-" + UUID.randomUUID();
      assignedClientId = true;
    } else if (version == MqttVersion.V3_1 && clientId.length() > 23) {
      refuseConnect(
          ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "MQTT 3.1 client ids have 1 to 23 characters");
      return;
    }
    identity =
        new ClientIdentity(
            clientId,
            connect.username(),
            ChannelInfo.remoteAddress(channel),
            ChannelInfo.listener(channel),
            ChannelInfo.peerCertificates(channel),
            null);

    if (v5 && props.authenticationMethod() != null) {
      refuseConnect(
          ReasonCode.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
      return;
    }

    // Keep alive: 5.0 clients are told the server's value; 3.1.1 ones over the limit are refused.
    keepAlive = connect.keepAlive();
    int max = config.maxKeepAlive();
    if (max > 0 && max < 65535 && (keepAlive == 0 || keepAlive > max)) {
      if (!v5) {
        refuseConnect(
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "keep alive " + keepAlive + " over the maximum " + max);
        return;
      }
      keepAlive = max;
      keepAliveChanged = true;
    }

    // Session expiry: 5.0 property; 3.1.1 clean session 0 means a session that does not expire.
    long requested =
        v5
            ? (props.sessionExpiryInterval() == null ? 0 : props.sessionExpiryInterval())
            : (connect.cleanStart() ? 0 : Session.NEVER_EXPIRES);
    sessionExpiry = requested;
    requestedSessionExpiry = requested;
    if (config.maxSessionExpiry() >= 0 && requested > config.maxSessionExpiry()) {
      sessionExpiry = config.maxSessionExpiry();
      sessionExpiryChanged = v5;
    }

    if (v5) {
      Integer receiveMax = props.receiveMaximum();
      sendQuota = Math.min(receiveMax == null ? 65535 : receiveMax, config.maxInflight());
      if (props.maximumPacketSize() != null) {
        clientMaxPacketSize = props.maximumPacketSize();
      }
      clientTopicAliasMaximum = props.topicAliasMaximum() == null ? 0 : props.topicAliasMaximum();
      requestProblemInformation =
          props.requestProblemInformation() == null || props.requestProblemInformation() == 1;
    } else {
      sendQuota = config.maxInflight();
    }

    Will w = connect.will();
    if (w != null) {
      if (!Topics.isValidName(w.topic())) {
        refuseConnect(ReasonCode.TOPIC_NAME_INVALID, "invalid will topic");
        return;
      }
      if (w.qos() > config.maxQos()) {
        refuseConnect(ReasonCode.QOS_NOT_SUPPORTED, "will QoS over the maximum"); // [MQTT-3.2.2-12]
        return;
      }
      if (w.retain() && !config.retainAvailable()) {
        refuseConnect(
            ReasonCode.RETAIN_NOT_SUPPORTED, "retained wills not available"); // [MQTT-3.2.2-13]
        return;
      }
      MqttProperties wp = w.properties();
      if (Integer.valueOf(1).equals(wp.payloadFormatIndicator()) && !isUtf8(w.payload())) {
        refuseConnect(ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8");
        return;
      }
      // The will's Message Expiry Interval runs from its publication, not from now.
      Message willMessage =
          toMessage(w.topic(), w.payload(), w.qos(), w.retain(), wp, clientId, false);
      long delay = wp.willDelayInterval() == null ? 0 : wp.willDelayInterval();
      long expiry = wp.messageExpiryInterval() == null ? -1 : wp.messageExpiryInterval();
      will = new PendingWill(willMessage, delay, expiry);
    }

    state = State.AUTHENTICATING;
    broker
        .authenticator()
        .authenticate(identity, connect.password())
        .whenComplete(
            (result, failure) -> {
              if (ctx.executor().inEventLoop()) {
                afterAuthentication(connect, result, failure);
              } else {
                ctx.executor().execute(() -> afterAuthentication(connect, result, failure));
              }
            });
    if (state == State.AUTHENTICATING || state == State.ATTACHING) {
      // Authentication or the session's hand-over is still under way: nothing more is read until
      // the session is ready (ready() turns reading back on); packets already decoded wait in
      // pending. When both completed on the spot, as they usually do, reading never stops: two
      // system calls saved per connection.
      channel.config().setAutoRead(false);
    }
  }

  private void afterAuthentication(Connect connect, AuthResult result, Throwable failure) {
    if (state != State.AUTHENTICATING) {
      return; // closed meanwhile
    }
    if (failure != null) {
      log.warn("{}: authentication failed with an error", describe(), failure);
      refuseConnect(ReasonCode.SERVER_UNAVAILABLE, "authentication error");
      return;
    }
    if (!result.accepted()) {
      // The log says why; the client hears only the reason code, so that an unknown user and a
      // wrong password look alike to it.
      refuseConnect(
          result.reasonCode(),
          "authentication refused: "
              + (result.reason() == null ? "no reason given" : result.reason()),
          "authentication refused");
      return;
    }
    identity = identity.authenticated(result.principal());
    state = State.ATTACHING;
    broker.sessions().connect(this, identity.clientId(), connect.cleanStart());
  }

  private void refuseConnect(int reasonCode, String why) {
    refuseConnect(reasonCode, why, why);
  }

  private void refuseConnect(int reasonCode, String why, String toldClient) {
    metrics.connectRefused.increment();
    log.info("{}: connection refused: {} ({})", describe(), why, ReasonCode.describe(reasonCode));
    if (version == MqttVersion.V5) {
      MqttProperties props =
          requestProblemInformation ? reasonProperties(toldClient) : MqttProperties.EMPTY;
      writeAndClose(new ConnAck(false, reasonCode, props));
    } else if (hasV3ReturnCode(reasonCode)) {
      writeAndClose(new ConnAck(false, ReasonCode.toV3ConnAck(reasonCode), MqttProperties.EMPTY));
    } else {
      // 3.1.1 has no return code for it (a bad Will, an unsupported Will QoS): close without a
      // CONNACK [MQTT-3.1.4-1] [MQTT-3.2.2-6]
      close();
    }
  }

  private static boolean hasV3ReturnCode(int reasonCode) {
    return switch (reasonCode) {
      case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
          ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
          ReasonCode.SERVER_UNAVAILABLE,
          ReasonCode.SERVER_BUSY,
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          ReasonCode.NOT_AUTHORIZED,
          ReasonCode.BANNED ->
          true;
      default -> false;
    };
  }

  @Override
  public void attached(Session attachedSession, boolean sessionPresent) {
    this.session = attachedSession;
    if (state != State.ATTACHING || !channel.isActive()) {
      return; // the session sees isActive() false and handles the loss
    }
    state = State.CONNECTED;
    connectTimeout.cancel(false);
    connectTimeout = null;
    counted = true;
    metrics.clientConnected();
    ConnAck ack = new ConnAck(sessionPresent, ReasonCode.SUCCESS, connAckProperties());
    write(ack);
    if (keepAlive > 0) {
      startKeepAlive();
    }
    log.debug("{}: connected ({}, session present {})", describe(), version, sessionPresent);
  }

  @Override
  public void ready() {
    if (state != State.CONNECTED) {
      return;
    }
    if (!fixedSubscriptionsSet) {
      fixedSubscriptionsSet = true;
      setFixedSubscriptions();
    }
    if (pending != null) {
      List<MqttPacket> early = pending;
      pending = null;
      for (MqttPacket p : early) {
        if (state != State.CONNECTED) {
          return;
        }
        dispatch(p);
      }
    }
    if (state == State.CONNECTED) {
      channel.config().setAutoRead(channel.isWritable());
    }
  }

  /**
   * A client whose subscriptions an administrator fixed gets exactly those, whatever its session
   * had: missing ones are added (with their retained messages, as a SUBSCRIBE would bring them),
   * others removed. After the re-sends of a resumed session, before anything the client sent.
   */
  private void setFixedSubscriptions() {
    List<Subscription> fixed = fixedSubscriptions();
    if (fixed == null) {
      return;
    }
    Map<String, Subscription> wanted = new LinkedHashMap<>();
    for (Subscription sub : fixed) {
      wanted.put(sub.filter(), sub);
    }
    for (SubscriptionEntry existing : List.copyOf(session.subscriptions())) {
      Subscription want = wanted.get(existing.filterKey());
      if (want == null) {
        session.unsubscribe(existing.filterKey());
      } else if (Math.min(want.qos(), config.maxQos()) == existing.qos()) {
        wanted.remove(existing.filterKey()); // already as it should be
      }
    }
    for (Subscription sub : wanted.values()) {
      String key = sub.filter();
      SharedSubscription shared =
          SharedSubscription.isShared(key) ? SharedSubscription.parse(key) : null;
      String filter = shared == null ? key : shared.filter();
      SubscriptionEntry entry =
          new SubscriptionEntry(
              key,
              filter,
              shared == null ? null : shared.group(),
              Math.min(sub.qos(), config.maxQos()),
              false,
              false,
              0,
              0);
      boolean existed = session.subscribe(entry);
      if (!existed && shared == null && config.retainAvailable()) {
        for (Message m : broker.retained().match(filter)) {
          session.deliverRetained(m, entry);
        }
      }
    }
  }

  /** The subscriptions an administrator fixed for this client, or null when it manages its own. */
  private List<Subscription> fixedSubscriptions() {
    return identity == null || identity.principal() == null
        ? null
        : identity.principal().fixedSubscriptions();
  }

  private MqttProperties connAckProperties() {
    if (version != MqttVersion.V5) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b =
        MqttProperties.builder()
            .receiveMaximum(config.receiveMaximum())
            .maximumPacketSize((long) config.maxPacketSize())
            .topicAliasMaximum(config.topicAliasMaximum())
            .retainAvailable(config.retainAvailable() ? 1 : 0)
            .wildcardSubscriptionAvailable(config.wildcardSubscriptionsAvailable() ? 1 : 0)
            .subscriptionIdentifierAvailable(config.subscriptionIdentifiersAvailable() ? 1 : 0)
            .sharedSubscriptionAvailable(config.sharedSubscriptionsAvailable() ? 1 : 0);
    if (config.maxQos() < 2) {
      b.maximumQos(config.maxQos());
    }
    if (assignedClientId) {
      b.assignedClientIdentifier(identity.clientId());
    }
    if (keepAliveChanged) {
      b.serverKeepAlive(keepAlive);
    }
    if (sessionExpiryChanged) {
      b.sessionExpiryInterval(sessionExpiry);
    }
    return b.build();
  }

  // ---------------------------------------------------------------- packets after CONNACK

  /** Whether this connection is counted in clients connected. */
  private boolean counted;

  private void dispatch(MqttPacket packet) {
    switch (packet) {
      case Publish p -> onPublish(p);
      case PubAck a -> session.onPubAck(a.packetId());
      case PubRec r -> {
        if (!session.onPubRec(r.packetId(), r.reasonCode())) {
          write(
              new PubRel(
                  r.packetId(),
                  v5Code(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND),
                  MqttProperties.EMPTY));
        }
      }
      case PubRel r -> {
        boolean known = session.release(r.packetId());
        PubComp comp =
            new PubComp(
                r.packetId(),
                known ? 0 : v5Code(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND),
                MqttProperties.EMPTY);
        // A stored packet id must be gone before PUBCOMP: the client may reuse it at once
        reply(comp, session.isPersistent(), null);
      }
      case PubComp c -> session.onPubComp(c.packetId());
      case Subscribe s -> onSubscribe(s);
      case Unsubscribe u -> onUnsubscribe(u);
      case PingReq ignored -> write(PingResp.INSTANCE); // not an acknowledgement: never waits
      case Disconnect d -> onDisconnect(d);
      case Auth ignored ->
          protocolError(
              ReasonCode.PROTOCOL_ERROR,
              "AUTH without an authentication method"); // [MQTT-3.15.0-?]
      default -> protocolError(ReasonCode.PROTOCOL_ERROR, "unexpected " + packet.type());
    }
  }

  private int v5Code(int code) {
    return version == MqttVersion.V5 ? code : 0;
  }

  private void onDisconnect(Disconnect d) {
    if (version == MqttVersion.V5) {
      Long newExpiry = d.properties().sessionExpiryInterval();
      if (newExpiry != null) {
        if (requestedSessionExpiry == 0 && newExpiry != 0) {
          protocolError(
              ReasonCode.PROTOCOL_ERROR,
              "Session Expiry Interval set on DISCONNECT after 0 on CONNECT (5.0 3.14.2.2.2)");
          return;
        }
        long capped =
            config.maxSessionExpiry() >= 0
                ? Math.min(newExpiry, config.maxSessionExpiry())
                : newExpiry;
        sessionExpiry = capped;
        Session s = session;
        s.updateExpiry(capped);
      }
    }
    // 0x04 asks for the will; any other DISCONNECT discards it [MQTT-3.14.4-3]
    boolean publishWill = d.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL_MESSAGE;
    state = State.CLOSED;
    Session s = session;
    s.connectionLost(this, publishWill);
    session = null;
    channel.close();
  }

  private void onPublish(Publish p) {
    metrics.publishReceived.increment();
    boolean v5 = version == MqttVersion.V5;
    MqttProperties props = p.properties();
    String topic = p.topic();
    Integer alias = props.topicAlias();
    if (alias != null) {
      if (alias == 0 || alias > config.topicAliasMaximum()) {
        protocolError(
            ReasonCode.TOPIC_ALIAS_INVALID,
            "topic alias " + alias + " out of range"); // [MQTT-3.3.2-9]
        return;
      }
      if (topic.isEmpty()) {
        topic = inboundAliases == null ? null : inboundAliases.get(alias);
        if (topic == null) {
          protocolError(ReasonCode.PROTOCOL_ERROR, "unknown topic alias " + alias);
          return;
        }
      } else {
        if (inboundAliases == null) {
          inboundAliases = new HashMap<>();
        }
        inboundAliases.put(alias, topic);
      }
    }
    if (!Topics.isValidName(topic)) {
      protocolError(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name");
      return;
    }
    if (p.qos() > config.maxQos()) {
      protocolError(
          ReasonCode.QOS_NOT_SUPPORTED, "QoS " + p.qos() + " over the maximum"); // [MQTT-3.2.2-11]
      return;
    }
    if (p.retain() && !config.retainAvailable()) {
      protocolError(ReasonCode.RETAIN_NOT_SUPPORTED, "retain not available"); // [MQTT-3.2.2-14]
      return;
    }
    if (p.qos() == 2 && session.isAwaitingPubrel(p.packetId())) {
      // A resent QoS 2 PUBLISH: acknowledge again, do not deliver twice [MQTT-4.3.3-9]
      reply(new PubRec(p.packetId()), false, null);
      return;
    }
    if (p.qos() == 2 && session.awaitingPubrelCount() >= config.receiveMaximum()) {
      protocolError(
          ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
          "more than Receive Maximum QoS 2 in flight"); // [MQTT-3.3.4-9]
      return;
    }
    if (v5 && Integer.valueOf(1).equals(props.payloadFormatIndicator()) && !isUtf8(p.payload())) {
      String why = "the payload is not UTF-8 but its Payload Format Indicator says it is";
      if (p.qos() == 0) {
        protocolError(ReasonCode.PAYLOAD_FORMAT_INVALID, why);
      } else {
        acknowledge(p, ReasonCode.PAYLOAD_FORMAT_INVALID, why);
      }
      return;
    }
    if (!broker.authorizer().canPublish(identity, topic)) {
      metrics.publishDenied.increment();
      log.debug("{}: PUBLISH to '{}' not authorized", describe(), topic);
      if (v5) {
        acknowledge(p, ReasonCode.NOT_AUTHORIZED, "not authorized to publish to " + topic);
      } else {
        acknowledge(p, ReasonCode.SUCCESS, null);
      }
      return;
    }
    Message message =
        toMessage(topic, p.payload(), p.qos(), p.retain(), props, identity.clientId(), true);
    // What must be kept for a QoS 1/2 message (copies for persistent sessions, the retained
    // message, our QoS 2 state) is committed as one unit before the acknowledgement goes out; the
    // broker appends the unit before it hands the copies to their sessions.
    List<Change> unit = broker.journal() == null || p.qos() == 0 ? null : new ArrayList<>(2);
    if (unit != null && p.qos() == 2 && session.isPersistent()) {
      unit.add(new Change.AwaitPubrel(identity.clientId(), p.packetId()));
    }
    int delivered = broker.publish(message, unit);
    int code = delivered == 0 && v5 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    acknowledge(p, code, null, unit != null && !unit.isEmpty());
  }

  private void acknowledge(Publish p, int reasonCode, String reasonString) {
    acknowledge(p, reasonCode, reasonString, false);
  }

  private void acknowledge(Publish p, int reasonCode, String reasonString, boolean afterCommit) {
    MqttProperties props = reasonProperties(reasonString);
    if (p.qos() == 1) {
      reply(new PubAck(p.packetId(), reasonCode, props), afterCommit, null);
    } else if (p.qos() == 2) {
      if (reasonCode < 0x80) {
        session.markAwaitingPubrel(p.packetId());
      }
      reply(new PubRec(p.packetId(), reasonCode, props), afterCommit, null);
    }
  }

  private Message toMessage(
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      MqttProperties props,
      String publisher,
      boolean expiryFromNow) {
    long expiresAt = Message.NEVER;
    MqttProperties forwarded = MqttProperties.EMPTY;
    if (version == MqttVersion.V5 && !props.isEmpty()) {
      if (expiryFromNow && props.messageExpiryInterval() != null) {
        expiresAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(props.messageExpiryInterval());
      }
      // Only what travels to subscribers: aliases and expiry are per hop [MQTT-3.3.2-7]
      forwarded =
          MqttProperties.builder()
              .payloadFormatIndicator(props.payloadFormatIndicator())
              .contentType(props.contentType())
              .responseTopic(props.responseTopic())
              .correlationData(props.correlationData())
              .userProperties(props.userProperties())
              .build();
      if (forwarded.isEmpty()) {
        forwarded = MqttProperties.EMPTY;
      }
    }
    return new Message(topic, payload, qos, retain, forwarded, publisher, expiresAt);
  }

  private void onSubscribe(Subscribe s) {
    boolean v5 = version == MqttVersion.V5;
    Integer subscriptionId =
        s.properties().subscriptionIdentifiers().isEmpty()
            ? null
            : s.properties().subscriptionIdentifiers().get(0);
    if (subscriptionId != null && !config.subscriptionIdentifiersAvailable()) {
      protocolError(
          ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED,
          "subscription identifiers not supported");
      return;
    }
    if (fixedSubscriptions() != null) {
      metrics.subscribeDenied.increment();
      log.debug("{}: SUBSCRIBE refused: its subscriptions are fixed", describe());
      List<Integer> refused = new ArrayList<>(s.subscriptions().size());
      for (int i = 0; i < s.subscriptions().size(); i++) {
        refused.add(v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE);
      }
      MqttProperties props =
          v5 && requestProblemInformation
              ? reasonProperties("subscriptions are set by an administrator")
              : MqttProperties.EMPTY;
      write(new SubAck(s.packetId(), refused, props));
      return;
    }
    List<Integer> codes = new ArrayList<>(s.subscriptions().size());
    List<SubscriptionEntry> retainedFor = new ArrayList<>();
    for (Subscription sub : s.subscriptions()) {
      String key = sub.filter();
      String filter = key;
      String shareName = null;
      if (SharedSubscription.isShared(key) && v5) {
        SharedSubscription shared = SharedSubscription.parse(key);
        if (shared == null) {
          codes.add(ReasonCode.TOPIC_FILTER_INVALID);
          continue;
        }
        if (!config.sharedSubscriptionsAvailable()) {
          codes.add(ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED);
          continue;
        }
        if (sub.noLocal()) {
          protocolError(
              ReasonCode.PROTOCOL_ERROR, "no local on a shared subscription"); // [MQTT-3.8.3-4]
          return;
        }
        shareName = shared.group();
        filter = shared.filter();
      } else if (!Topics.isValidFilter(key)) {
        codes.add(v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE);
        continue;
      }
      if (!config.wildcardSubscriptionsAvailable() && Topics.hasWildcard(filter)) {
        codes.add(
            v5 ? ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.V3_SUBACK_FAILURE);
        continue;
      }
      if (!broker.authorizer().canSubscribe(identity, key)) {
        metrics.subscribeDenied.increment();
        log.debug("{}: SUBSCRIBE to '{}' not authorized", describe(), key);
        codes.add(v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE);
        continue;
      }
      int granted = Math.min(sub.qos(), config.maxQos());
      SubscriptionEntry entry =
          new SubscriptionEntry(
              key,
              filter,
              shareName,
              granted,
              v5 && sub.noLocal(),
              v5 && sub.retainAsPublished(),
              v5 ? sub.retainHandling() : 0,
              subscriptionId == null ? 0 : subscriptionId);
      boolean existed = session.subscribe(entry);
      codes.add(granted);
      // Retained messages: not for shared subscriptions; retain handling 1 only when new
      // [MQTT-3.3.1-10]
      if (config.retainAvailable() && shareName == null) {
        int rh = entry.retainHandling();
        if (rh == 0 || (rh == 1 && !existed)) {
          retainedFor.add(entry);
        }
      }
    }
    MqttProperties ackProps = MqttProperties.EMPTY;
    for (int i = 0; v5 && i < codes.size(); i++) {
      if (codes.get(i) >= 0x80) {
        String why = "topic filter refused: " + s.subscriptions().get(i).filter();
        ackProps = reasonProperties(why);
        break;
      }
    }
    Session subscriber = session;
    Runnable sendRetained =
        retainedFor.isEmpty()
            ? null
            : () -> {
              for (SubscriptionEntry entry : retainedFor) {
                for (Message m : broker.retained().match(entry.filter())) {
                  subscriber.deliverRetained(m, entry);
                }
              }
            };
    // A stored subscription is acknowledged once committed; retained messages follow the SUBACK
    reply(new SubAck(s.packetId(), codes, ackProps), subscriber.isPersistent(), sendRetained);
  }

  private void onUnsubscribe(Unsubscribe u) {
    if (fixedSubscriptions() != null) {
      // 5.0 says "not authorized" per filter; 3.1.1's UNSUBACK has no codes, so the client gets
      // its acknowledgement and keeps its subscriptions
      metrics.subscribeDenied.increment();
      log.debug("{}: UNSUBSCRIBE refused: its subscriptions are fixed", describe());
      boolean v5 = version == MqttVersion.V5;
      List<Integer> refused = new ArrayList<>(u.filters().size());
      for (int i = 0; v5 && i < u.filters().size(); i++) {
        refused.add(ReasonCode.NOT_AUTHORIZED);
      }
      write(new UnsubAck(u.packetId(), refused, MqttProperties.EMPTY));
      return;
    }
    List<Integer> codes = new ArrayList<>(u.filters().size());
    for (String filterKey : u.filters()) {
      boolean existed = session.unsubscribe(filterKey);
      codes.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
    }
    reply(
        new UnsubAck(
            u.packetId(), version == MqttVersion.V5 ? codes : List.of(), MqttProperties.EMPTY),
        session.isPersistent(),
        null);
  }

  // ---------------------------------------------------------------- acknowledgements

  /**
   * Acknowledgements waiting for a commit, and those that came after them: they go out in the order
   * they were made, each once the store has what it acknowledges. Null until the first wait.
   */
  private ArrayDeque<Reply> replies;

  private static final int WAITING = 0;
  private static final int READY = 1;
  private static final int FAILED = 2;

  private static final class Reply {
    final MqttPacket packet;
    final Runnable after;
    int state;
    StoreException failure;

    Reply(MqttPacket packet, Runnable after, int state) {
      this.packet = packet;
      this.after = after;
      this.state = state;
    }
  }

  /**
   * Sends an acknowledgement, after the commit of what was appended to the journal before it when
   * {@code afterCommit} and durability is strict, and always after the acknowledgements made before
   * it; then runs {@code after} (if any) on this loop.
   */
  private void reply(MqttPacket packet, boolean afterCommit, Runnable after) {
    Journal journal = broker.journal();
    boolean waits = afterCommit && journal != null && journal.strict();
    if (!waits && (replies == null || replies.isEmpty())) {
      write(packet);
      if (after != null) {
        after.run();
      }
      return;
    }
    if (replies == null) {
      replies = new ArrayDeque<>();
    }
    Reply r = new Reply(packet, after, waits ? WAITING : READY);
    replies.add(r);
    if (waits) {
      EventLoop loop = channel.eventLoop();
      journal.whenCommitted(
          new Journal.Completion() {
            @Override
            public void committed() {
              loop.execute(() -> settle(r, READY, null));
            }

            @Override
            public void failed(StoreException e) {
              loop.execute(() -> settle(r, FAILED, e));
            }
          });
    }
  }

  private void settle(Reply r, int outcome, StoreException failure) {
    r.state = outcome;
    r.failure = failure;
    while (replies != null && !replies.isEmpty() && replies.peekFirst().state != WAITING) {
      Reply next = replies.pollFirst();
      if (next.state == FAILED && !refuse(next)) {
        replies = null;
        return;
      }
      if (next.state == READY) {
        write(next.packet);
        if (next.after != null && state == State.CONNECTED) {
          next.after.run();
        }
      }
    }
  }

  /**
   * What could not be stored is not acknowledged: a 5.0 PUBACK or PUBREC says 0x80 and why; for
   * anything else, or a 3.1.1 client, the connection closes without the acknowledgement, so that
   * the client sends again when it reconnects. Returns false when the connection was closed.
   */
  private boolean refuse(Reply r) {
    String why = "not stored: " + r.failure.kind().name().toLowerCase(java.util.Locale.ROOT);
    if (version == MqttVersion.V5 && r.packet instanceof PubAck a) {
      write(new PubAck(a.packetId(), ReasonCode.UNSPECIFIED_ERROR, reasonProperties(why)));
      return true;
    }
    if (version == MqttVersion.V5 && r.packet instanceof PubRec rec) {
      if (session != null) {
        session.forgetAwaitingPubrel(rec.packetId());
      }
      write(new PubRec(rec.packetId(), ReasonCode.UNSPECIFIED_ERROR, reasonProperties(why)));
      return true;
    }
    log.warn("{}: closing: {} could not be stored ({})", describe(), r.packet.type(), why);
    disconnect(ReasonCode.UNSPECIFIED_ERROR, why);
    return false;
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
  public boolean sendPublish(dev.switchboard.broker.session.Outbound o, boolean dup) {
    if (state != State.CONNECTED) {
      return true; // the session will resend on resumption; nothing to drop
    }
    Message m = o.message();
    MqttProperties props = MqttProperties.EMPTY;
    String topic = m.topic();
    boolean newAlias = false;
    if (version == MqttVersion.V5) {
      long remaining = m.remainingExpirySeconds(System.nanoTime());
      Integer alias = null;
      if (clientTopicAliasMaximum > 0) {
        if (outboundAliases == null) {
          outboundAliases = new HashMap<>();
        }
        alias = outboundAliases.get(topic);
        if (alias != null) {
          topic = "";
        } else if (outboundAliases.size() < clientTopicAliasMaximum) {
          // [MQTT-3.3.2-11] aliases 1..the client's Topic Alias Maximum, each set once
          alias = outboundAliases.size() + 1;
          outboundAliases.put(topic, alias);
          newAlias = true;
        }
      }
      if (remaining >= 0 || alias != null || o.subscriptionIds().length > 0) {
        MqttProperties.Builder b = m.properties().toBuilder();
        if (remaining >= 0) {
          b.messageExpiryInterval(remaining); // [MQTT-3.3.2-6]
        }
        if (alias != null) {
          b.topicAlias(alias);
        }
        for (int id : o.subscriptionIds()) {
          b.addSubscriptionIdentifier(id);
        }
        props = b.build();
      } else {
        props = m.properties();
      }
    }
    Publish publish =
        new Publish(
            topic, m.payload(), o.qos(), o.retain(), dup, o.qos() == 0 ? 0 : o.packetId(), props);
    if (clientMaxPacketSize != Long.MAX_VALUE
        && MqttCodec.encodedSize(publish, version) > clientMaxPacketSize) {
      if (newAlias) {
        // the client never sees this PUBLISH, so it never learns the alias: take it back
        outboundAliases.remove(m.topic());
      }
      return false; // [MQTT-3.1.2-24] not sent; discarded as if delivered [MQTT-3.1.2-25]
    }
    write(publish);
    return true;
  }

  @Override
  public void sendPubRel(int packetId) {
    write(new PubRel(packetId));
  }

  @Override
  public void takenOver() {
    log.info("{}: session taken over by a new connection", describe());
    if (version == MqttVersion.V5 && channel.isActive()) {
      writeAndClose(
          new Disconnect(ReasonCode.SESSION_TAKEN_OVER, MqttProperties.EMPTY)); // [MQTT-3.1.4-3]
    } else {
      close();
    }
    session = null; // the session has already handled the loss
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
                refuseConnect(
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

  /** Broker shutdown: DISCONNECT 0x8B in 5.0, then close. */
  void shutdown() {
    if (state == State.CONNECTED) {
      disconnect(ReasonCode.SERVER_SHUTTING_DOWN, null);
    } else {
      close();
    }
  }

  @Override
  public long sessionExpiry() {
    return sessionExpiry;
  }

  @Override
  public PendingWill will() {
    return will;
  }

  // ---------------------------------------------------------------- writing

  /** Above this many pending bytes the buffer goes to the channel without waiting for the flush. */
  private static final int HAND_OFF_BYTES = 16 * 1024;

  /** Payloads above this size are written wrapped, not copied: one array for every subscriber. */
  private static final int WRAP_PAYLOAD_ABOVE = 4 * 1024;

  private void write(MqttPacket packet) {
    if (!channel.isActive()) {
      return;
    }
    MqttPacket p = fit(packet);
    if (out == null) {
      out = channel.alloc().ioBuffer(512);
    }
    if (p instanceof Publish publish && publish.payload().length > WRAP_PAYLOAD_ABOVE) {
      MqttCodec.encodePublishHeaderInto(out, publish, version);
      handOff();
      ByteBuf payload = Unpooled.wrappedBuffer(publish.payload());
      metrics.bytesSent.add(payload.readableBytes());
      channel.write(payload, channel.voidPromise());
    } else {
      MqttCodec.encodeInto(out, p, version);
      if (out.readableBytes() >= HAND_OFF_BYTES) {
        handOff();
      }
    }
    if (!flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(this::flushNow);
    }
  }

  /** Gives the pending bytes to the channel (they are sent at the next flush). */
  private void handOff() {
    ByteBuf b = out;
    if (b == null) {
      return;
    }
    out = null;
    if (!b.isReadable()) {
      b.release();
      return;
    }
    metrics.bytesSent.add(b.readableBytes());
    channel.write(b, channel.voidPromise());
  }

  private void flushNow() {
    flushScheduled = false;
    handOff();
    channel.flush();
  }

  /**
   * What may go to this client of a packet's diagnostics: no Reason String or User Properties
   * except on PUBLISH, CONNACK and DISCONNECT when it asked for no problem information
   * [MQTT-3.1.2-29], and none where they would make a packet exceed its Maximum Packet Size
   * [MQTT-3.1.2-24] (5.0 3.4.2.2.2, 3.2.2.3.9, 3.14.2.2.3 and the like).
   */
  private MqttPacket fit(MqttPacket packet) {
    if (version != MqttVersion.V5 || packet instanceof Publish) {
      return packet;
    }
    MqttPacket out = requestProblemInformation ? packet : withoutProblemInformation(packet);
    if (clientMaxPacketSize != Long.MAX_VALUE
        && MqttCodec.encodedSize(out, version) > clientMaxPacketSize) {
      out = withoutDiagnostics(out);
    }
    return out;
  }

  /** Properties carrying only a Reason String, or none for null. */
  private static MqttProperties reasonProperties(String reasonString) {
    return reasonString == null
        ? MqttProperties.EMPTY
        : MqttProperties.builder().reasonString(reasonString).build();
  }

  private static MqttPacket withoutDiagnostics(MqttPacket packet) {
    return switch (packet) {
      case ConnAck a -> new ConnAck(a.sessionPresent(), a.reasonCode(), bare(a.properties()));
      case Disconnect d -> new Disconnect(d.reasonCode(), bare(d.properties()));
      default -> withoutProblemInformation(packet);
    };
  }

  private static MqttProperties bare(MqttProperties p) {
    return p.reasonString() == null && p.userProperties().isEmpty()
        ? p
        : p.toBuilder().reasonString(null).userProperties(List.of()).build();
  }

  /**
   * [MQTT-3.1.2-29]: no Reason String or User Properties except on PUBLISH, CONNACK, DISCONNECT.
   */
  private static MqttPacket withoutProblemInformation(MqttPacket packet) {
    return switch (packet) {
      case PubAck a when !a.properties().isEmpty() ->
          new PubAck(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case PubRec a when !a.properties().isEmpty() ->
          new PubRec(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case PubRel a when !a.properties().isEmpty() ->
          new PubRel(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case PubComp a when !a.properties().isEmpty() ->
          new PubComp(a.packetId(), a.reasonCode(), MqttProperties.EMPTY);
      case SubAck a when !a.properties().isEmpty() ->
          new SubAck(a.packetId(), a.reasonCodes(), MqttProperties.EMPTY);
      case UnsubAck a when !a.properties().isEmpty() ->
          new UnsubAck(a.packetId(), a.reasonCodes(), MqttProperties.EMPTY);
      default -> packet;
    };
  }

  private static boolean isUtf8(byte[] payload) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
