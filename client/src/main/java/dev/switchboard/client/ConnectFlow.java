package dev.switchboard.client;

import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.mqtt.packet.Will;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt, on the task thread: BEFORE_CONNECT, the channel opened, the CONNECT sent
 * once the transport is up, and the CONNACK: accepted (CONNECTED, then the outbox sent again and,
 * with the extension, the subscriptions made again) or refused. An attempt that fails or runs out
 * of the network timeout ends through {@link Disconnects}.
 */
final class ConnectFlow {
  // Log lines say MqttClient, whichever part of it writes them.
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final TaskInbox inbox;
  private final OutboxFlow outbox;
  private final SubscriptionBook book;
  private final InboundFlow inbound;
  private final TaskTimers timers;
  private final Disconnects disconnects;
  private final ClientEvents events;
  private final EventDispatcher dispatcher;

  ConnectFlow(
      ReentrantLock lock,
      ClientStatus status,
      ClientChannel channel,
      TaskInbox inbox,
      OutboxFlow outbox,
      SubscriptionBook book,
      InboundFlow inbound,
      TaskTimers timers,
      Disconnects disconnects,
      ClientEvents events,
      EventDispatcher dispatcher) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.inbox = inbox;
    this.outbox = outbox;
    this.book = book;
    this.inbound = inbound;
    this.timers = timers;
    this.disconnects = disconnects;
    this.events = events;
    this.dispatcher = dispatcher;
  }

  /** One connection attempt; false when told to stop meanwhile. */
  boolean connect() throws InterruptedException {
    dispatcher.dispatch(List.of(events.of(MqttEventId.BEFORE_CONNECT)));
    Connecting attempt;
    lock.lock();
    try {
      if (status.applied().endpoint() == null) {
        log.error("client {}: no broker address", status.displayId());
        status.state(MqttClientState.WAIT_RECONNECT);
        return true;
      }
      attempt = channel.open(status.applied());
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + status.config().network().timeout().toNanos();
    boolean transportUp = false;
    while (true) {
      long left = deadline - System.nanoTime();
      Object item = left > 0 ? inbox.next(left) : null;
      if (item == null) {
        String phase = transportUp ? "CONNACK" : attempt.phase();
        return connectFailed(
            attempt,
            transportUp
                ? null
                : MqttErrorCodes.transport(
                    110,
                    null,
                    "no " + phase + " within " + status.config().network().timeout(),
                    null));
      }
      if (item == TaskInbox.Command.STOP) {
        lock.lock();
        try {
          channel.close();
        } finally {
          lock.unlock();
        }
        return false;
      }
      if (item instanceof TaskInbox.UserEvent u) {
        dispatcher.dispatch(List.of(events.user(u.event())));
        continue;
      }
      if (!(item instanceof TaskInbox.Inbound in) || in.generation() != attempt.generation) {
        if (item instanceof TaskInbox.Inbound) {
          inbox.inboundDone(channel);
        }
        continue; // commands wait for the connection; stale input is dropped
      }
      inbox.inboundDone(channel);
      Object what = in.what();
      if (what instanceof TaskInbox.TransportUp) {
        transportUp = true;
        lock.lock();
        try {
          sendConnect();
        } finally {
          lock.unlock();
        }
      } else if (what instanceof TaskInbox.Closed c) {
        return connectFailed(attempt, TransportErrors.of(c.cause(), attempt.phase()));
      } else if (what instanceof ConnAck ack) {
        connectAccepted(ack);
        return true;
      } else {
        String describe = InboundFlow.describe(what);
        log.warn("client {}: {} before CONNACK; closing", status.displayId(), describe);
        return connectFailed(
            attempt,
            MqttErrorCodes.transport(
                0, null, "protocol error: " + describe + " before CONNACK", null));
      }
    }
  }

  /** The CONNECT, from the configuration and the URI's credentials; the caller holds the lock. */
  private void sendConnect() {
    AppliedConfig applied = status.applied();
    MqttClientConfig c = applied.config();
    BrokerEndpoint endpoint = applied.endpoint();
    MqttClientConfig.Session s = c.session();
    boolean v5 = s.protocolVer().isV5();
    MqttClientConfig.LastWill lw = s.lastWill();
    Will will =
        lw.topic() == null
            ? null
            : new Will(
                lw.topic(),
                lw.msg() == null ? new byte[0] : lw.msg(),
                lw.qos(),
                lw.retain(),
                v5 ? Properties5.will(s.connectProperty()) : MqttProperties.EMPTY);
    String username = c.credentials().username();
    String password = c.credentials().authentication().password();
    if (username == null && endpoint.username() != null) {
      username = endpoint.username();
    }
    if (password == null && endpoint.password() != null) {
      password = endpoint.password();
    }
    Connect connect =
        new Connect(
            applied.version(),
            applied.configuredClientId(),
            !s.disableCleanSession(),
            s.keepaliveSeconds(),
            username,
            password == null ? null : password.getBytes(StandardCharsets.UTF_8),
            will,
            v5 ? Properties5.connect(s.connectProperty()) : MqttProperties.EMPTY);
    channel.send(connect);
  }

  /** The attempt failed: with {@code error}, or with none when the CONNACK did not come. */
  private boolean connectFailed(Connecting attempt, MqttErrorCodes error) {
    MqttEvent failure;
    if (error != null) {
      log.info(
          "client {}: cannot connect to {}: {}",
          status.displayId(),
          attempt.endpoint.display(),
          error.message());
      failure = events.error(error);
    } else {
      log.info("client {}: no CONNACK from {}", status.displayId(), attempt.endpoint.display());
      failure =
          events.error(
              MqttErrorCodes.transport(
                  110, null, "no CONNACK within " + status.config().network().timeout(), null));
    }
    disconnects.attemptFailed(List.of(failure));
    return true;
  }

  /** Handles the CONNACK, accepted or refused. */
  private void connectAccepted(ConnAck ack) {
    boolean v5 = status.isV5();
    if (ack.reasonCode() != 0) {
      MqttErrorCodes error = MqttErrorCodes.refused(ack.reasonCode(), v5);
      log.info("client {}: {}", status.displayId(), error.message());
      disconnects.attemptFailed(List.of(events.error(error)));
      return;
    }
    List<MqttEvent> out = new ArrayList<>();
    List<Subscription> resubscribe = List.of();
    List<Outbox.Entry> earlier;
    lock.lock();
    try {
      status.limits(v5 ? ServerLimits.of(ack.properties()) : ServerLimits.DEFAULT);
      status.connectedClientId(
          v5 && ack.properties().assignedClientIdentifier() != null
              ? ack.properties().assignedClientIdentifier()
              : status.applied().configuredClientId());
      status.state(MqttClientState.CONNECTED);
      disconnects.resetAttempts();
      timers.connected(System.nanoTime());
      inbound.connected();
      if (!ack.sessionPresent()) {
        inbound.forgetReleases();
        if (status.config().extensions().resubscribe() && !book.isEmpty()) {
          resubscribe = book.subscriptions();
        }
      }
      out.add(events.connected(ack));
      // What was in the outbox before this connection; what the CONNECTED handlers add is sent
      // by the calls that add it, and must not go a second time below.
      earlier = outbox.snapshot();
    } finally {
      lock.unlock();
    }
    // The CONNECTED handlers run before the outbox is sent again, as in ESP-MQTT, where the
    // task resends queued entries on its next turn.
    dispatcher.dispatch(out);
    lock.lock();
    try {
      if (status.is(MqttClientState.CONNECTED)) {
        outbox.resendAfterConnect(earlier);
        if (!resubscribe.isEmpty()) {
          book.clearSubscriptions();
          int msgId = outbox.nextPacketId();
          Subscribe packet = new Subscribe(msgId, resubscribe, MqttProperties.EMPTY);
          if (msgId > 0 && outbox.queueRequest(msgId, Outbox.Kind.SUBSCRIBE, packet)) {
            book.subscribing(msgId, resubscribe);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }
}
