package dev.switchboard.broker.session;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One stretch of time a session spends without a connection: since when (what the stored session
 * says, and what a restart counts the expiry from), and the two timers that may run out meanwhile,
 * the will's delay [MQTT-3.1.3-9] and the session's expiry [MQTT-3.1.2-23]. The session makes one
 * when its connection is lost (or it is restored from the store) and drops it when a connection
 * attaches, so a connected session carries one null reference for all of this.
 *
 * <p>The object is also the identity of its disconnection: a timer runs its action only if the
 * session is still in this absence, not attached, lost again or ended since (a timer may fire on a
 * loop the session has left, or just before a cancel). Touched only on the session's loop.
 */
final class SessionAbsence {
  private final Session session;
  private final long sinceMillis;
  private ScheduledFuture<?> willTimer;
  private ScheduledFuture<?> expiryTimer;

  /**
   * @param sinceMillis wall-clock time the connection ended
   */
  SessionAbsence(Session session, long sinceMillis) {
    this.session = session;
    this.sinceMillis = sinceMillis;
  }

  /** When the connection ended, epoch milliseconds. */
  long sinceMillis() {
    return sinceMillis;
  }

  /**
   * Starts the will's delay (when the session holds a will) and the expiry, less {@code
   * downSeconds} already spent offline (a restart's downtime): what is due already happens now.
   *
   * @return false when the session expired at once (it has ended)
   */
  boolean startTimers(long downSeconds) {
    long expiry = session.expirySeconds();
    PendingWill will = session.pendingWill();
    if (will != null) {
      long delay = Math.min(will.delaySeconds(), expiry) - downSeconds;
      if (delay <= 0) {
        session.publishWill();
      } else {
        willTimer = schedule(session::publishWill, delay);
      }
    }
    if (expiry != Session.NEVER_EXPIRES) {
      long left = expiry - downSeconds;
      if (left <= 0) {
        session.expire();
        return false;
      }
      expiryTimer = schedule(session::expire, left);
    }
    return true;
  }

  /** Whether the will is waiting for its delay. */
  boolean willWaiting() {
    return willTimer != null;
  }

  /** The will has been published (or dropped): its timer is done. */
  void willDone() {
    willTimer = null;
  }

  /** Stops both timers: a connection attached, or the session ended. */
  void cancel() {
    if (willTimer != null) {
      willTimer.cancel(false);
      willTimer = null;
    }
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
      expiryTimer = null;
    }
  }

  /** Runs {@code action} on the session's loop after {@code seconds}, while still this absence. */
  private ScheduledFuture<?> schedule(Runnable action, long seconds) {
    Runnable guarded =
        () -> {
          if (session.isIn(this)) {
            action.run();
          }
        };
    return session.executor().schedule(() -> session.execute(guarded), seconds, TimeUnit.SECONDS);
  }
}
