package dev.switchboard.http.myqtthub;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.session.Outbound;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A device's login on the HTTP device API, as the broker sees it: the connection of its MQTT
 * session. What the session sends it waits here until the device pulls it; a QoS 1 or 2 message is
 * acknowledged to the session when pulled (PUBACK, or PUBREC then PUBCOMP), so that one handed out
 * and never pulled is sent again when the session next has a connection. Every field but the
 * volatile ones is touched only on the session's loop, as a connection's state is.
 */
final class DeviceSession implements SessionConnection {
  /** A message handed to the device, as {@code /pull} shows it. */
  record Pulled(Message message, int qos, boolean retain, boolean dup, int packetId) {}

  /** How a login ended, as its token's holder is told. */
  enum Ended {
    LOGGED_OUT,
    IDLE,
    EXPIRED,
    TAKEN_OVER,
    DISCONNECTED
  }

  private final String token;
  private final ClientIdentity identity;
  private final EventLoop loop;
  private final long sessionExpiry;
  private final int buffer;
  private final long connectedAtMillis = System.currentTimeMillis();
  private final long validUntilMillis;
  private final BrokerMetrics metrics;
  private final CompletableFuture<Boolean> attachedOutcome = new CompletableFuture<>();
  private final ArrayDeque<Pulled> waiting = new ArrayDeque<>();

  /** Released for every message handed over: what {@code /pull/stream} waits on. */
  private final Semaphore arrivals = new Semaphore(0);

  private volatile Session session;
  private volatile Ended ended;
  private volatile long lastUsedNanos = System.nanoTime();
  private boolean counted;
  private final Runnable releaseHubSlot; // once: DeviceLogins guards it

  DeviceSession(
      String token,
      ClientIdentity identity,
      EventLoop loop,
      long sessionExpiry,
      int buffer,
      long validUntilMillis,
      BrokerMetrics metrics,
      Runnable releaseHubSlot) {
    this.releaseHubSlot = releaseHubSlot;
    this.token = token;
    this.identity = identity;
    this.loop = loop;
    this.sessionExpiry = sessionExpiry;
    this.buffer = buffer;
    this.validUntilMillis = validUntilMillis;
    this.metrics = metrics;
  }

  String token() {
    return token;
  }

  long validUntilMillis() {
    return validUntilMillis;
  }

  long connectedAt() {
    return connectedAtMillis;
  }

  /** Completes with true once attached to its session, false when refused or ended first. */
  CompletableFuture<Boolean> attachedOutcome() {
    return attachedOutcome;
  }

  Session session() {
    return session;
  }

  Ended ended() {
    return ended;
  }

  boolean isOpen() {
    return ended == null && session != null;
  }

  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  long idleNanos() {
    return System.nanoTime() - lastUsedNanos;
  }

  /**
   * The messages waiting, at most {@code max}, taken and acknowledged to the session (which then
   * hands over more from its queue). Completes on the session's loop.
   */
  CompletableFuture<List<Pulled>> pull(int max) {
    CompletableFuture<List<Pulled>> result = new CompletableFuture<>();
    Session s = session;
    if (s == null) {
      result.complete(List.of());
      return result;
    }
    s.execute(
        () -> {
          List<Pulled> taken = new ArrayList<>(Math.min(max, waiting.size()));
          while (taken.size() < max && !waiting.isEmpty()) {
            Pulled p = waiting.poll();
            taken.add(p);
          }
          if (ended == null && s.isAttachedTo(this)) {
            for (Pulled p : taken) {
              acknowledge(s, p);
            }
            s.drain(); // room again: what the session queued comes here
          }
          result.complete(taken);
        });
    return result;
  }

  private static void acknowledge(Session s, Pulled p) {
    int id = p.packetId();
    if (p.qos() == 1) {
      s.inflight().onPubAck(id);
    } else if (p.qos() == 2) {
      s.inflight().onPubRec(id, 0); // the session answers with sendPubRel
    }
  }

  /** Waits up to {@code timeout} for a message to be handed over; false when none came. */
  boolean awaitArrival(long timeout, TimeUnit unit) throws InterruptedException {
    boolean came = arrivals.tryAcquire(timeout, unit);
    arrivals.drainPermits();
    return came;
  }

  /** Ends this login from the API's side (logout, idle, token expiry): on the session's loop. */
  void end(Ended why) {
    Session s = session;
    if (s == null) {
      ended = why;
      attachedOutcome.complete(false);
      return;
    }
    s.execute(
        () -> {
          if (ended != null) {
            return;
          }
          ended = why;
          uncount();
          arrivals.release();
          // a logout is a normal DISCONNECT; idle and expiry are a lost connection (its will)
          s.connectionLost(this, why != Ended.LOGGED_OUT);
        });
  }

  private void uncount() {
    if (counted) {
      counted = false;
      metrics.clientDisconnected();
      releaseHubSlot.run();
    }
  }

  // ---------------------------------------------------------------- SessionConnection

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  @Override
  public boolean isActive() {
    return ended == null;
  }

  @Override
  public boolean isWritable() {
    return waiting.size() < buffer;
  }

  @Override
  public int sendQuota() {
    return buffer;
  }

  @Override
  public boolean sendPublish(Outbound outbound, boolean dup) {
    waiting.add(
        new Pulled(
            outbound.message(), outbound.qos(), outbound.retain(), dup, outbound.packetId()));
    arrivals.release();
    return true;
  }

  @Override
  public void sendPubRel(int packetId) {
    // the device pulled the message: its PUBCOMP comes at once (there is no one to wait for)
    Session s = session;
    if (s != null) {
      s.execute(
          () -> {
            if (s.isAttachedTo(this)) {
              s.inflight().onPubComp(packetId);
            }
          });
    }
  }

  @Override
  public void attached(Session attachedSession, boolean sessionPresent) {
    session = attachedSession;
    if (ended == null) {
      counted = true;
      metrics.clientConnected();
    }
    attachedOutcome.complete(ended == null);
  }

  @Override
  public void ready() {}

  @Override
  public void takenOver() {
    ended = Ended.TAKEN_OVER;
    uncount();
    arrivals.release();
  }

  @Override
  public boolean rejectsTakeover() {
    return identity.principal() != null && identity.principal().rejectTakeover();
  }

  @Override
  public void identifierRejected() {
    ended = Ended.DISCONNECTED;
    attachedOutcome.complete(false);
  }

  @Override
  public ClientIdentity identity() {
    return identity;
  }

  @Override
  public void disconnect(int reasonCode, String why) {
    if (ended != null) {
      return;
    }
    ended = Ended.DISCONNECTED;
    uncount();
    arrivals.release();
    Session s = session;
    if (s != null) {
      s.connectionLost(this, true);
    }
  }

  @Override
  public long sessionExpiry() {
    return sessionExpiry;
  }

  @Override
  public PendingWill will() {
    return null;
  }

  @Override
  public boolean isMqtt5() {
    return true; // reason codes and properties as 5.0 has them
  }

  @Override
  public int protocolLevel() {
    return HTTP_PROTOCOL_LEVEL;
  }

  @Override
  public long connectedAtMillis() {
    return connectedAtMillis;
  }
}
