package dev.switchboard.broker.session;

import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A session's QoS 1/2 messages in flight, by packet id: sending them (or holding them while their
 * packet id is committed), sending them again when the session resumes on a new connection, and
 * their acknowledgements (PUBACK, PUBREC, PUBCOMP). Room made in the window lets {@link
 * OutboundQueue} send what it queued. Touched only on the session's loop.
 */
public final class InflightWindow {
  // The queue, metrics and journal are reached through the session: no references of its own, as
  // every byte of a session is multiplied by the number of connections (and this window is made
  // only when its session first sends a QoS 1/2 message).
  private final Session session;
  private final LinkedHashMap<Integer, Outbound> inflight = new LinkedHashMap<>();
  private int nextPacketId = 1;

  /** In-flight messages still to be re-sent on this connection, waiting for room in its window. */
  private int pendingResends;

  /**
   * Messages given a packet id on this connection and not written yet, in their order: a stored QoS
   * 2 message waits for the commit of its packet id, and what comes after it waits behind it, as
   * topics are ordered [MQTT-4.6.0-6]. Null until the first one.
   */
  private ArrayDeque<Outbound> held;

  /** A message to re-send waits for the commit of its packet id: nothing after it goes first. */
  private boolean resendHeld;

  InflightWindow(Session session) {
    this.session = session;
  }

  private OutboundQueue queue() {
    return session.outbound();
  }

  private BrokerMetrics metrics() {
    return session.broker().metrics();
  }

  /** Where a persistent session's state is written; null when the broker keeps memory only. */
  private Journal journal() {
    return session.broker().journal();
  }

  int size() {
    return inflight.size();
  }

  /** Whether {@code conn}'s window takes one more QoS 1/2 message. */
  boolean hasRoom(SessionConnection conn) {
    return inflight.size() < conn.sendQuota();
  }

  /** Gives {@code o} a packet id and sends it, or holds it (see {@link #held}). */
  void send(SessionConnection conn, Outbound o) {
    o.packetId = allocatePacketId();
    o.phase = o.qos == 1 ? Outbound.Phase.AWAITING_PUBACK : Outbound.Phase.AWAITING_PUBREC;
    if (o.seq != 0) {
      Journal journal = journal();
      journal.append(
          new Change.UpdateMessage(
              session.clientId(), o.seq, o.packetId, o.storedPhase(), session.hub()));
      if (o.qos == 2 && journal.strict()) {
        // The client keeps a QoS 2 packet id as received: after a restart this message must go
        // again with this id, so the id is on disk before the PUBLISH is on the wire.
        o.commitPending = true;
        journal.whenCommitted(new AfterCommit(o));
      }
    }
    if (o.commitPending || holding()) {
      inflight.put(o.packetId, o);
      o.unsent = true;
      if (held == null) {
        held = new ArrayDeque<>();
      }
      held.addLast(o);
      return;
    }
    if (conn.sendPublish(o, false)) {
      inflight.put(o.packetId, o);
      metrics().publishSent(o.qos);
    } else {
      // Too large for this client: discard as if delivered [MQTT-3.1.2-25]
      o.phase = Outbound.Phase.QUEUED;
      metrics().publishDroppedTooLarge.increment();
      session.countDrop();
      queue().forget(o);
    }
  }

  /**
   * Runs a step of a stored QoS 2 flow on the session's loop once what it depends on is committed,
   * or the store failed: then no promise holds anyway, and stalling the session would help nobody.
   */
  private final class AfterCommit implements Journal.Completion {
    private final Outbound o;

    AfterCommit(Outbound o) {
      this.o = o;
    }

    @Override
    public void committed() {
      session.execute(() -> stepCommitted(o));
    }

    @Override
    public void failed(StoreException e) {
      session.execute(() -> stepCommitted(o));
    }
  }

  /**
   * The step {@code o} waited for is on disk: re-sends that stopped at it go on, its PUBREL goes
   * out if that is what it waited to send, then the messages held behind it (its PUBLISH first).
   */
  private void stepCommitted(Outbound o) {
    o.commitPending = false;
    SessionConnection conn = session.connection();
    if (conn == null) {
      return; // re-sent when a connection comes
    }
    resendWaiting(conn);
    if (o.unsent && inflight.get(o.packetId) == o && o.phase == Outbound.Phase.AWAITING_PUBCOMP) {
      o.unsent = false;
      conn.sendPubRel(o.packetId);
    }
    sendHeld(conn);
  }

  /** Whether a message waits for the commit of its packet id, with anything after it. */
  boolean holding() {
    return resendHeld || (held != null && !held.isEmpty());
  }

  /**
   * Writes the messages that waited, in order, up to the next one whose packet id is still being
   * committed; then what is queued behind them.
   */
  private void sendHeld(SessionConnection conn) {
    if (resendHeld) {
      return; // the re-sends go first
    }
    while (held != null && !held.isEmpty()) {
      Outbound o = held.peekFirst();
      boolean stillInflight = inflight.get(o.packetId) == o && o.unsent;
      if (stillInflight && o.commitPending) {
        return;
      }
      held.pollFirst();
      if (!stillInflight) {
        continue; // acknowledged, moved or ended meanwhile
      }
      o.unsent = false;
      if (conn.sendPublish(o, false)) {
        metrics().publishSent(o.qos);
      } else {
        inflight.remove(o.packetId); // too large for this client [MQTT-3.1.2-25]
        metrics().publishDroppedTooLarge.increment();
        session.countDrop();
        queue().forget(o);
      }
    }
    queue().drain();
  }

  /** The connection ended: what waited is in flight, and re-sent when a connection comes. */
  void dropHeld() {
    if (held != null) {
      held.clear();
    }
    resendHeld = false;
  }

  private int allocatePacketId() {
    while (true) {
      int id = nextPacketId;
      nextPacketId = id == 65535 ? 1 : id + 1;
      if (!inflight.containsKey(id)) {
        return id;
      }
    }
  }

  /**
   * On resumption: PUBLISH again with DUP for unacknowledged ones, PUBREL for released ones, in
   * their order [MQTT-4.4.0-1] [MQTT-4.6.0-1], as many as the connection's window takes
   * [MQTT-3.3.4-9]; the rest follow as acknowledgements make room ({@link OutboundQueue#drain}).
   */
  void resendAll(SessionConnection conn) {
    for (Outbound o : inflight.values()) {
      o.resendPending = true;
    }
    pendingResends = inflight.size();
    resendPending(conn);
  }

  /** Re-sends what is still to be re-sent on {@code conn}, as far as its window and commits let. */
  void resendWaiting(SessionConnection conn) {
    if (pendingResends > 0 || resendHeld) {
      resendPending(conn);
    }
  }

  private void resendPending(SessionConnection conn) {
    resendHeld = false;
    int outstanding = inflight.size() - pendingResends;
    int quota = conn.sendQuota();
    for (Iterator<Outbound> it = inflight.values().iterator();
        it.hasNext() && pendingResends > 0 && outstanding < quota; ) {
      Outbound o = it.next();
      if (!o.resendPending) {
        continue;
      }
      if (o.commitPending) {
        resendHeld = true; // in order: the rest follow once its packet id is committed
        return;
      }
      o.resendPending = false;
      o.unsent = false;
      pendingResends--;
      if (o.phase == Outbound.Phase.AWAITING_PUBCOMP) {
        conn.sendPubRel(o.packetId);
        outstanding++;
      } else if (conn.sendPublish(o, true)) {
        outstanding++;
      } else {
        it.remove(); // too large for this connection: discarded as if delivered [MQTT-3.1.2-25]
        metrics().publishDroppedTooLarge.increment();
        session.countDrop();
        queue().forget(o);
      }
    }
  }

  /**
   * Where the message in flight with {@code packetId} is in its acknowledgement flow, or null when
   * none is: what an acknowledgement of it must be.
   */
  public Outbound.Phase phaseOf(int packetId) {
    Outbound o = inflight.get(packetId);
    return o == null ? null : o.phase;
  }

  /** PUBACK from the client. */
  public void onPubAck(int packetId) {
    Outbound o = inflight.get(packetId);
    if (o != null && o.phase == Outbound.Phase.AWAITING_PUBACK) {
      removeInflight(o);
      queue().drain();
    }
  }

  /**
   * PUBREC from the client: answer PUBREL [MQTT-4.3.3-4]; an error code ends the flow. Returns
   * false when the packet id is not in flight (5.0 answers PUBREL 0x92).
   */
  public boolean onPubRec(int packetId, int reasonCode) {
    Outbound o = inflight.get(packetId);
    if (o == null || o.phase == Outbound.Phase.AWAITING_PUBACK) {
      return false;
    }
    if (reasonCode >= 0x80) {
      removeInflight(o); // and not given to another member of a shared group [MQTT-4.8.2-6]
      queue().drain();
      return true;
    }
    o.phase = Outbound.Phase.AWAITING_PUBCOMP;
    if (o.resendPending) {
      o.resendPending = false; // the client had it already: the PUBREL below is all it needs
      pendingResends--;
    }
    if (o.seq != 0) {
      Journal journal = journal();
      journal.append(
          new Change.UpdateMessage(
              session.clientId(), o.seq, o.packetId, o.storedPhase(), session.hub()));
      if (journal.strict()) {
        // On PUBREL the client forgets the packet id: a broker restarted before this phase is on
        // disk would send the PUBLISH again, and the client would deliver it a second time.
        o.commitPending = true;
        o.unsent = true;
        journal.whenCommitted(new AfterCommit(o));
        return true;
      }
    }
    session.connection().sendPubRel(packetId);
    return true;
  }

  /** PUBCOMP from the client. */
  public void onPubComp(int packetId) {
    Outbound o = inflight.get(packetId);
    if (o != null && o.phase == Outbound.Phase.AWAITING_PUBCOMP) {
      removeInflight(o);
      queue().drain();
    }
  }

  private void removeInflight(Outbound o) {
    inflight.remove(o.packetId);
    queue().forget(o);
    if (o.resendPending) {
      o.resendPending = false;
      pendingResends--;
    }
  }

  /**
   * Takes out the QoS 1 messages that came through shared subscriptions, to go to another member of
   * their group; null when there are none. A QoS 2 one stays: see {@link
   * OutboundQueue#redispatchSharedMessages}.
   */
  List<Outbound> takeSharedQos1() {
    List<Outbound> taken = null;
    for (Iterator<Outbound> it = inflight.values().iterator(); it.hasNext(); ) {
      Outbound o = it.next();
      if (o.sharedVia != null && o.qos == 1) {
        it.remove();
        if (o.resendPending) {
          o.resendPending = false;
          pendingResends--;
        }
        (taken == null ? taken = new ArrayList<>() : taken).add(o);
      }
    }
    return taken;
  }

  /** A stored message in flight when the broker stopped, in its order, with its packet id. */
  void restore(Outbound o, int packetId, Outbound.Phase phase) {
    o.packetId = packetId;
    o.phase = phase;
    inflight.put(packetId, o);
    nextPacketId = packetId == 65535 ? 1 : packetId + 1;
  }

  /** The session ended: everything in flight goes. */
  void clear() {
    inflight.clear();
    dropHeld();
    pendingResends = 0;
  }
}
