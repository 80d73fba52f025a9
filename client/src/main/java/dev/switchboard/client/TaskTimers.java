package dev.switchboard.client;

import dev.switchboard.mqtt.packet.PingReq;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the task does on time while connected: the keep alive (a PINGREQ when nothing was sent for
 * half of it, the connection dead when no PINGRESP follows within another half), MQTT 3.1.1
 * retransmission, outbox expiry and the periodic refresh of the connection. Guarded by the client's
 * lock: the caller holds it where a method says so, the others take it.
 */
final class TaskTimers {
  /** What {@link #run()} found the task must do about the connection. */
  enum Due {
    NOTHING,
    /** No PINGRESP came in time: the connection is dead. */
    PING_LOST,
    /** The refresh period passed. */
    REFRESH
  }

  private final ReentrantLock lock;
  private final ClientStatus status;
  private final ClientChannel channel;
  private final OutboxFlow outbox;
  private long pingSentNanos;
  private long connectedAtNanos;

  TaskTimers(ReentrantLock lock, ClientStatus status, ClientChannel channel, OutboxFlow outbox) {
    this.lock = lock;
    this.status = status;
    this.channel = channel;
    this.outbox = outbox;
  }

  /** A connection was accepted at {@code now}; the caller holds the lock. */
  void connected(long now) {
    connectedAtNanos = now;
    pingSentNanos = 0;
  }

  /** The connection ended: no PINGRESP is awaited; the caller holds the lock. */
  void connectionEnded() {
    pingSentNanos = 0;
  }

  /** A PINGRESP came. */
  void pingAnswered() {
    lock.lock();
    try {
      pingSentNanos = 0;
    } finally {
      lock.unlock();
    }
  }

  /** When the task must next look at the timers, at most a minute away. */
  long nextDeadlineNanos() {
    lock.lock();
    try {
      long now = System.nanoTime();
      long next = now + TimeUnit.SECONDS.toNanos(60);
      long keepalive = keepaliveNanos();
      if (keepalive > 0) {
        next =
            Math.min(
                next,
                (pingSentNanos != 0 ? pingSentNanos : channel.lastSentNanos()) + keepalive / 2);
      }
      long oldest = outbox.oldestCreatedNanos();
      MqttClientConfig config = status.config();
      if (oldest != Long.MAX_VALUE) {
        next = Math.min(next, oldest + config.outbox().expiry().toNanos());
        if (!status.version().isV5()) {
          next = Math.min(next, outbox.retransmitDueNanos());
        }
      }
      long refresh = config.network().refreshConnectionAfter().toNanos();
      if (refresh > 0) {
        next = Math.min(next, connectedAtNanos + refresh);
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** The configured keep alive, or the MQTT 5 broker's Server Keep Alive, which replaces it. */
  private long keepaliveNanos() {
    int seconds = status.config().session().keepaliveSeconds();
    ServerLimits limits = status.limits();
    if (limits.serverKeepAlive() != null) {
      seconds = limits.serverKeepAlive();
    }
    return TimeUnit.SECONDS.toNanos(seconds);
  }

  /**
   * Pings, retransmits, sends what the receive maximum now allows and expires the outbox, when
   * connected; says whether the connection is dead or due for its refresh. Takes the lock, and runs
   * the DELETED handlers outside it.
   */
  Due run() {
    long now = System.nanoTime();
    boolean pingLost = false;
    boolean refresh = false;
    lock.lock();
    try {
      if (!status.is(MqttClientState.CONNECTED)) {
        return Due.NOTHING;
      }
      long keepalive = keepaliveNanos();
      if (keepalive > 0) {
        if (pingSentNanos != 0 && now - pingSentNanos >= keepalive / 2) {
          pingLost = true;
        } else if (pingSentNanos == 0 && now - channel.lastSentNanos() >= keepalive / 2) {
          channel.send(PingReq.INSTANCE);
          pingSentNanos = now;
        }
      }
      long retransmitDue = outbox.retransmitDueNanos();
      if (!pingLost
          && !status.version().isV5()
          && retransmitDue != Long.MAX_VALUE
          && now - retransmitDue >= 0) {
        outbox.retransmitDue(now);
      }
      long period = status.config().network().refreshConnectionAfter().toNanos();
      refresh = !pingLost && period > 0 && now - connectedAtNanos >= period;
      outbox.sendQueued();
    } finally {
      lock.unlock();
    }
    outbox.expire();
    return pingLost ? Due.PING_LOST : refresh ? Due.REFRESH : Due.NOTHING;
  }
}
