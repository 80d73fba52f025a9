package dev.switchboard.client;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's task thread, ESP-MQTT's {@code mqtt_task}: by state, it connects, serves the
 * connection (what the broker sends, the callers' commands and custom events, the timers) or waits
 * to reconnect, until told to stop. Everything it does for an item, handlers included, is done
 * before it takes the next, which keeps events in the order they happened.
 */
final class ClientTask implements Runnable {
  // Log lines say MqttClient, whichever part of it writes them.
  private static final Logger log = LoggerFactory.getLogger(MqttClient.class);

  private final ReentrantLock lock;
  private final ClientStatus status;
  private final TaskInbox inbox;
  private final ClientChannel channel;
  private final ConnectFlow connectFlow;
  private final InboundFlow inbound;
  private final OutboxFlow outbox;
  private final TaskTimers timers;
  private final Disconnects disconnects;
  private final ClientEvents events;
  private final EventDispatcher dispatcher;

  ClientTask(
      ReentrantLock lock,
      ClientStatus status,
      TaskInbox inbox,
      ClientChannel channel,
      ConnectFlow connectFlow,
      InboundFlow inbound,
      OutboxFlow outbox,
      TaskTimers timers,
      Disconnects disconnects,
      ClientEvents events,
      EventDispatcher dispatcher) {
    this.lock = lock;
    this.status = status;
    this.inbox = inbox;
    this.channel = channel;
    this.connectFlow = connectFlow;
    this.inbound = inbound;
    this.outbox = outbox;
    this.timers = timers;
    this.disconnects = disconnects;
    this.events = events;
    this.dispatcher = dispatcher;
  }

  @Override
  public void run() {
    try {
      while (true) {
        MqttClientState s = state();
        if (s == MqttClientState.INIT) {
          if (!connectFlow.connect()) {
            return;
          }
        } else if (s == MqttClientState.CONNECTED) {
          if (!serveConnection()) {
            return;
          }
        } else if (s == MqttClientState.WAIT_RECONNECT) {
          if (!waitToReconnect()) {
            return;
          }
        } else {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("client {}: task failed", status.displayId(), e);
    }
  }

  private MqttClientState state() {
    lock.lock();
    try {
      return status.state();
    } finally {
      lock.unlock();
    }
  }

  /** Serves a connection until it ends; false when told to stop. */
  private boolean serveConnection() throws InterruptedException {
    long wait = timers.nextDeadlineNanos() - System.nanoTime();
    Object item = inbox.next(wait);
    if (item == TaskInbox.Command.STOP) {
      return false;
    }
    if (item == TaskInbox.Command.DISCONNECT) {
      disconnects.byUser();
      return true;
    }
    if (item instanceof TaskInbox.UserEvent u) {
      dispatcher.dispatch(List.of(events.user(u.event())));
    } else if (item instanceof TaskInbox.Inbound in) {
      inbox.inboundDone(channel);
      if (in.generation() == channel.snapshotGeneration()) {
        inbound.handle(in.what());
      }
    }
    switch (timers.run()) {
      case PING_LOST ->
          disconnects.lost(
              MqttErrorCodes.transport(110, null, "no PINGRESP: the connection is dead", null),
              true);
      case REFRESH -> disconnects.refresh();
      case NOTHING -> {}
    }
    return true;
  }

  private boolean waitToReconnect() throws InterruptedException {
    long now = System.nanoTime();
    long wait;
    boolean reconnectDue;
    lock.lock();
    try {
      MqttClientConfig config = status.config();
      long until =
          config.network().disableAutoReconnect()
              ? Long.MAX_VALUE
              : disconnects.reconnectAtNanos() - now;
      long oldest = outbox.oldestCreatedNanos();
      long expiry =
          oldest == Long.MAX_VALUE
              ? Long.MAX_VALUE
              : Math.max(1, oldest + config.outbox().expiry().toNanos() - now);
      wait = Math.min(until, expiry);
      reconnectDue = until <= 0;
    } finally {
      lock.unlock();
    }
    Object item = reconnectDue ? null : inbox.next(wait);
    if (item == TaskInbox.Command.STOP) {
      return false;
    }
    outbox.expire(); // entries keep expiring while the client is disconnected
    if (item instanceof TaskInbox.Inbound) {
      inbox.inboundDone(channel);
      return true; // from a closed connection
    }
    if (item instanceof TaskInbox.UserEvent u) {
      dispatcher.dispatch(List.of(events.user(u.event())));
      return true;
    }
    lock.lock();
    try {
      boolean timeToConnect =
          item == TaskInbox.Command.RECONNECT
              || (!status.config().network().disableAutoReconnect()
                  && System.nanoTime() - disconnects.reconnectAtNanos() >= 0);
      if (timeToConnect && status.is(MqttClientState.WAIT_RECONNECT)) {
        status.state(MqttClientState.INIT);
      }
    } finally {
      lock.unlock();
    }
    return true;
  }
}
