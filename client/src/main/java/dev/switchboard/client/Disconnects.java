package dev.switchboard.client;

import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.packet.Disconnect;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a connection ends (an attempt failed or was refused, the connection was lost, the user
 * disconnected, the refresh period passed) and when the next attempt is due: after the reconnect
 * timeout, or the backoff extension's delay. Each end takes the client's lock to close the channel
 * and change the state, then runs the handlers (ERROR, DISCONNECTED) outside it.
 */
final class Disconnects {
  // Log lines say MqttClient, whichever part of it writes them.
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final NextProperties nextProperties;
  private final TaskTimers timers;
  private final ClientEvents events;
  private final EventDispatcher dispatcher;
  private int failedAttempts;
  private long reconnectAtNanos;

  Disconnects(
      ReentrantLock lock,
      ClientStatus status,
      ClientChannel channel,
      NextProperties nextProperties,
      TaskTimers timers,
      ClientEvents events,
      EventDispatcher dispatcher) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.nextProperties = nextProperties;
    this.timers = timers;
    this.events = events;
    this.dispatcher = dispatcher;
  }

  /** A connection was accepted, or the client starts: no failed attempts in a row. */
  void resetAttempts() {
    failedAttempts = 0;
  }

  /** When the client reconnects on its own, while it waits to. */
  long reconnectAtNanos() {
    return reconnectAtNanos;
  }

  /**
   * Writes a DISCONNECT, with the one-shot MQTT 5 properties if set, on the current channel, which
   * must be there; the caller holds the lock.
   */
  ChannelFuture sendDisconnect() {
    Mqtt5DisconnectProperty p = nextProperties.takeDisconnect();
    Disconnect d =
        status.version().isV5() && p != null
            ? new Disconnect(p.disconnectReason(), Properties5.disconnect(p))
            : Disconnect.NORMAL;
    return channel.sendDisconnect(d);
  }

  /**
   * A connection attempt failed or was refused: the channel closes and the client waits to
   * reconnect; {@code first} (the ERROR) and DISCONNECTED go to the handlers.
   */
  void attemptFailed(List<MqttEvent> first) {
    List<MqttEvent> out = new ArrayList<>(first);
    lock.lock();
    try {
      channel.close();
      failedAttempts++;
      enterWaitReconnect();
      out.add(events.of(MqttEventId.DISCONNECTED));
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  /** The connection ended under us: ERROR (for a transport failure), then DISCONNECTED. */
  void lost(MqttErrorCodes why, boolean transportError) {
    List<MqttEvent> out = new ArrayList<>(2);
    lock.lock();
    try {
      if (!status.is(MqttClientState.CONNECTED)) {
        return;
      }
      log.info(
          "client {}: connection to {} lost: {}",
          status.displayId(),
          status.applied().endpoint().display(),
          // may quote the broker's reason string, which the broker chose
          LogSafe.text(why.message(), LogSafe.MAX_REASON_CHARS));
      channel.close();
      enterWaitReconnect();
      if (transportError) {
        out.add(events.error(why));
        out.add(events.of(MqttEventId.DISCONNECTED));
      } else {
        out.add(
            events.notice(
                MqttEventId.DISCONNECTED, 0, null, why, null, why.disconnectReturnCode()));
      }
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  /** {@link MqttClient#disconnect()}: a DISCONNECT, then waiting to reconnect. */
  void byUser() {
    lock.lock();
    List<MqttEvent> out = new ArrayList<>(1);
    try {
      if (!status.is(MqttClientState.CONNECTED)) {
        return;
      }
      if (channel.isOpen()) {
        sendDisconnect();
      }
      channel.close();
      enterWaitReconnect();
      out.add(events.of(MqttEventId.DISCONNECTED));
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  /** The refresh period passed: a clean DISCONNECT (no will), then a new connection at once. */
  void refresh() {
    List<MqttEvent> out = new ArrayList<>(1);
    lock.lock();
    try {
      if (channel.isOpen()) {
        sendDisconnect();
      }
      channel.close();
      status.state(MqttClientState.INIT);
      out.add(events.of(MqttEventId.DISCONNECTED));
    } finally {
      lock.unlock();
    }
    dispatcher.dispatch(out);
  }

  private void enterWaitReconnect() {
    status.state(MqttClientState.WAIT_RECONNECT);
    timers.connectionEnded();
    MqttClientConfig config = status.config();
    long delay;
    MqttClientConfig.Backoff backoff = config.extensions().backoff();
    if (backoff == null || failedAttempts == 0) {
      delay = config.network().reconnectTimeout().toNanos();
      if (backoff != null) {
        delay = Math.min(delay, backoff.initial().toNanos());
      }
    } else {
      long cap = backoff.max().toNanos();
      long exp = backoff.initial().toNanos() << Math.min(30, failedAttempts);
      long ceiling = exp <= 0 ? cap : Math.min(cap, exp);
      delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
    reconnectAtNanos = System.nanoTime() + delay;
  }
}
