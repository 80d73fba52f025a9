package dev.switchboard.broker.connection;

import dev.switchboard.broker.auth.AuthResult;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.transport.ChannelInfo;
import dev.switchboard.broker.transport.PreAuthMeter;
import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.Disconnect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Will;
import dev.switchboard.mqtt.topic.Topics;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's way in and out: CONNECT (its checks, the will, keep alive and session expiry, what
 * a 5.0 client says it takes), authentication off the event loop, the hand-over to the session's
 * owner, CONNACK, the packets the client sent before it, and DISCONNECT. Shared by every
 * connection; holds no state of its own.
 */
final class ConnectFlow {
  private static final Logger log = LoggerFactory.getLogger(ConnectFlow.class);

  private final ConnectionContext context;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;
  private final SubscribeFlow subscribe;

  ConnectFlow(ConnectionContext context, SubscribeFlow subscribe) {
    this.context = context;
    this.config = context.config();
    this.metrics = context.metrics();
    this.subscribe = subscribe;
  }

  void onConnect(MqttConnection c, Connect connect) {
    MqttVersion version = connect.version();
    c.writer.version(version);
    boolean v5 = version == MqttVersion.V5;
    MqttProperties props = connect.properties();

    String clientId = connect.clientId();
    if (clientId.isEmpty()) {
      boolean allowed =
          config.allowEmptyClientId()
              && (v5 || (version == MqttVersion.V3_1_1 && connect.cleanStart()));
      if (!allowed) {
        // [MQTT-3.1.3-8] 3.1.1 rejects an empty id without clean session; 3.1 always
        refuse(c, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id not allowed");
        return;
      }
      clientId = "sb-" + UUID.randomUUID();
      c.assignedClientId = true;
    } else if (version == MqttVersion.V3_1 && clientId.length() > 23) {
      refuse(
          c, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "MQTT 3.1 client ids have 1 to 23 characters");
      return;
    }
    c.identity =
        new ClientIdentity(
            clientId,
            connect.username(),
            ChannelInfo.remoteAddress(c.channel),
            ChannelInfo.listener(c.channel),
            ChannelInfo.peerCertificates(c.channel),
            ChannelInfo.serverName(c.channel),
            null);

    if (v5 && props.authenticationMethod() != null) {
      refuse(c, ReasonCode.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
      return;
    }

    // Keep alive: 5.0 clients are told the server's value; 3.1.1 ones over the limit are refused.
    c.keepAlive = connect.keepAlive();
    int max = config.maxKeepAlive();
    if (max > 0 && max < 65535 && (c.keepAlive == 0 || c.keepAlive > max)) {
      if (!v5) {
        refuse(
            c,
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "keep alive " + c.keepAlive + " over the maximum " + max);
        return;
      }
      c.keepAlive = max;
      c.keepAliveChanged = true;
    }

    // Session expiry: 5.0 property; 3.1.1 clean session 0 means a session that does not expire.
    long requested =
        v5
            ? (props.sessionExpiryInterval() == null ? 0 : props.sessionExpiryInterval())
            : (connect.cleanStart() ? 0 : Session.NEVER_EXPIRES);
    c.sessionExpiry = requested;
    c.requestedSessionExpiry = requested;
    if (config.maxSessionExpiry() >= 0 && requested > config.maxSessionExpiry()) {
      c.sessionExpiry = config.maxSessionExpiry();
      c.sessionExpiryChanged = v5;
    }

    if (v5) {
      Integer receiveMax = props.receiveMaximum();
      c.sendQuota = Math.min(receiveMax == null ? 65535 : receiveMax, config.maxInflight());
      c.writer.clientLimits(
          props.maximumPacketSize() == null ? Long.MAX_VALUE : props.maximumPacketSize(),
          props.topicAliasMaximum() == null ? 0 : props.topicAliasMaximum(),
          props.requestProblemInformation() == null || props.requestProblemInformation() == 1);
    } else {
      c.sendQuota = config.maxInflight();
    }

    Will w = connect.will();
    if (w != null && !acceptWill(c, w, clientId)) {
      return;
    }

    c.state = MqttConnection.State.AUTHENTICATING;
    context
        .authenticator()
        .authenticate(c.identity, connect.password())
        .whenComplete(
            (result, failure) -> {
              if (c.ctx.executor().inEventLoop()) {
                afterAuthentication(c, connect, result, failure);
              } else {
                c.ctx.executor().execute(() -> afterAuthentication(c, connect, result, failure));
              }
            });
    if (c.state == MqttConnection.State.AUTHENTICATING
        || c.state == MqttConnection.State.ATTACHING) {
      // Authentication or the session's hand-over is still under way: nothing more is read until
      // the session is ready (ready() turns reading back on); packets already decoded wait in
      // pending. When both completed on the spot, as they usually do, reading never stops: two
      // system calls saved per connection.
      c.channel.config().setAutoRead(false);
    }
  }

  /** Checks the will of a CONNECT and keeps it; false when the connection was refused for it. */
  private boolean acceptWill(MqttConnection c, Will w, String clientId) {
    if (!Topics.isValidName(w.topic())) {
      refuse(c, ReasonCode.TOPIC_NAME_INVALID, "invalid will topic");
      return false;
    }
    if (w.qos() > config.maxQos()) {
      refuse(c, ReasonCode.QOS_NOT_SUPPORTED, "will QoS over the maximum"); // [MQTT-3.2.2-12]
      return false;
    }
    if (w.retain() && !config.retainAvailable()) {
      refuse(c, ReasonCode.RETAIN_NOT_SUPPORTED, "retained wills not available"); // [MQTT-3.2.2-13]
      return false;
    }
    MqttProperties wp = w.properties();
    if (Integer.valueOf(1).equals(wp.payloadFormatIndicator())
        && !Diagnostics.isUtf8(w.payload())) {
      refuse(c, ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8");
      return false;
    }
    // The will's Message Expiry Interval runs from its publication, not from now; its hub is
    // not known before authentication: the session publishes it in its own.
    Message willMessage =
        PublishFlow.toMessage(
            c.writer.version(),
            w.topic(),
            w.payload(),
            w.qos(),
            w.retain(),
            wp,
            clientId,
            Hubs.DEFAULT,
            false);
    long delay = wp.willDelayInterval() == null ? 0 : wp.willDelayInterval();
    long expiry = wp.messageExpiryInterval() == null ? -1 : wp.messageExpiryInterval();
    c.will = new PendingWill(willMessage, delay, expiry);
    return true;
  }

  private void afterAuthentication(
      MqttConnection c, Connect connect, AuthResult result, Throwable failure) {
    if (c.state != MqttConnection.State.AUTHENTICATING) {
      return; // closed meanwhile
    }
    if (failure != null) {
      log.warn("{}: authentication failed with an error", c.describe(), failure);
      refuse(c, ReasonCode.SERVER_UNAVAILABLE, "authentication error");
      return;
    }
    if (!result.accepted()) {
      // The log says why; the client hears only the reason code, so that an unknown user and a
      // wrong password look alike to it.
      refuse(
          c,
          result.reasonCode(),
          "authentication refused: "
              + (result.reason() == null ? "no reason given" : result.reason()),
          "authentication refused");
      return;
    }
    if (!takeHubSlot(c, result.principal())) {
      return;
    }
    // From here on the connection holds its hub's slot, if its hub counts them: the principal
    // is what MqttConnection gives it back by when the connection ends
    c.identity = c.identity.authenticated(result.principal());
    c.state = MqttConnection.State.ATTACHING;
    context.sessions().connect(c, c.identity.hub(), c.identity.clientId(), connect.cleanStart());
  }

  /**
   * Counts the connection in its hub when the hub has a connection limit, and refuses it at the
   * limit (Quota exceeded in 5.0, Server unavailable in 3.1.1); false when refused. A hub without a
   * limit counts nothing.
   */
  private boolean takeHubSlot(MqttConnection c, Principal principal) {
    int limit = principal.quota().connections();
    if (limit <= 0) {
      return true;
    }
    TopicSpaces.Space space = context.spaces().of(principal.hub());
    if (space.connections().incrementAndGet() > limit) {
      space.connections().decrementAndGet();
      space.refusals().connections.increment();
      refuse(
          c,
          c.writer.isV5() ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SERVER_UNAVAILABLE,
          "hub '" + principal.hub() + "' is at its limit of " + limit + " connections",
          "quota exceeded");
      return false;
    }
    return true;
  }

  void refuse(MqttConnection c, int reasonCode, String why) {
    refuse(c, reasonCode, why, why);
  }

  void refuse(MqttConnection c, int reasonCode, String why, String toldClient) {
    metrics.connectRefused.increment();
    // why may quote an authenticator's reason, which may quote the user name: escaped again here,
    // since the broker cannot tell how an authenticator made it
    log.info(
        "{}: connection refused: {} ({})",
        c.describe(),
        LogSafe.text(why, LogSafe.MAX_REASON_CHARS),
        ReasonCode.describe(reasonCode));
    if (c.writer.isV5()) {
      c.writeAndClose(new ConnAck(false, reasonCode, c.writer.reasonFor(toldClient)));
    } else if (hasV3ReturnCode(reasonCode)) {
      c.writeAndClose(new ConnAck(false, ReasonCode.toV3ConnAck(reasonCode), MqttProperties.EMPTY));
    } else {
      // 3.1.1 has no return code for it (a bad Will, an unsupported Will QoS): close without a
      // CONNACK [MQTT-3.1.4-1] [MQTT-3.2.2-6]
      c.close();
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

  /** The session is attached: CONNACK, and the keep alive starts. */
  void attached(MqttConnection c, Session attachedSession, boolean sessionPresent) {
    c.session = attachedSession;
    if (c.state != MqttConnection.State.ATTACHING || !c.channel.isActive()) {
      return; // the session sees isActive() false and handles the loss
    }
    c.state = MqttConnection.State.CONNECTED; // which ends the connect timeout
    c.counted = true;
    metrics.clientConnected();
    PreAuthMeter.connected(c.channel); // what it sends from now on is no longer pre-authentication
    c.writer.write(new ConnAck(sessionPresent, ReasonCode.SUCCESS, connAckProperties(c)));
    if (sessionPresent) {
      subscribe.refreshGuards(c); // before the session sends what waited for this client
    }
    if (c.keepAlive > 0) {
      c.startKeepAlive();
    }
    if (log.isDebugEnabled()) { // describe() builds a string: not on every connect for nothing
      log.debug(
          "{}: connected ({}, session present {})",
          c.describe(),
          c.writer.version(),
          sessionPresent);
    }
  }

  /**
   * The session has re-sent what was in flight: fixed subscriptions are set, the packets the client
   * sent before the CONNACK are handled, and reading goes on.
   */
  void ready(MqttConnection c) {
    if (c.state != MqttConnection.State.CONNECTED) {
      return;
    }
    if (!c.fixedSubscriptionsSet) {
      c.fixedSubscriptionsSet = true;
      subscribe.setFixedSubscriptions(c);
    }
    if (c.pending != null) {
      List<MqttPacket> early = c.pending;
      c.pending = null;
      for (MqttPacket p : early) {
        if (c.state != MqttConnection.State.CONNECTED) {
          return;
        }
        c.dispatch(p);
      }
    }
    c.readIfAllowed();
  }

  private MqttProperties connAckProperties(MqttConnection c) {
    if (!c.writer.isV5()) {
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
    if (c.assignedClientId) {
      b.assignedClientIdentifier(c.identity.clientId());
    }
    if (c.keepAliveChanged) {
      b.serverKeepAlive(c.keepAlive);
    }
    if (c.sessionExpiryChanged) {
      b.sessionExpiryInterval(c.sessionExpiry);
    }
    return b.build();
  }

  /** DISCONNECT from the client: the session expiry it may change, and whether its will goes. */
  void onDisconnect(MqttConnection c, Disconnect d) {
    if (c.writer.isV5()) {
      Long newExpiry = d.properties().sessionExpiryInterval();
      if (newExpiry != null) {
        if (c.requestedSessionExpiry == 0 && newExpiry != 0) {
          c.protocolError(
              ReasonCode.PROTOCOL_ERROR,
              "Session Expiry Interval set on DISCONNECT after 0 on CONNECT (5.0 3.14.2.2.2)");
          return;
        }
        long capped =
            config.maxSessionExpiry() >= 0
                ? Math.min(newExpiry, config.maxSessionExpiry())
                : newExpiry;
        c.sessionExpiry = capped;
        c.session.updateExpiry(capped);
      }
    }
    // 0x04 asks for the will; any other DISCONNECT discards it [MQTT-3.14.4-3]
    boolean publishWill = d.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL_MESSAGE;
    c.state = MqttConnection.State.CLOSED;
    Session s = c.session;
    s.connectionLost(c, publishWill);
    c.session = null;
    c.channel.close();
  }
}
