package dev.switchboard.broker.session;

import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.mqtt.ReasonCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * What a session sends its client: the copy of each message delivered to it (at the granted QoS,
 * with its subscription identifiers), sent at once when the connection and the {@link
 * InflightWindow} have room, else queued within the session's bounds (QoS 0 goes first at the
 * bound), drained in order as room comes, after the retained messages new subscriptions bring
 * ({@link RetainedFeeds}). Messages of shared subscriptions go to another member when the
 * connection ends. Touched only on the session's loop.
 */
final class OutboundQueue {
  static final int[] NO_IDS = new int[0];

  private final Session session;

  // Null until first needed (the window: the first QoS 1/2 message; the queue: the first message
  // that waits), and no references of their own to the broker's services, which the session has:
  // every byte here is multiplied by the number of connections.
  private InflightWindow window;
  private ArrayDeque<Outbound> queue;
  private long queuedBytes;
  private int queuedQos0;

  /** Its session's hub's limit of queued messages; 0 for none (the broker's bound only). */
  private int hubLimit;

  /** What its client may still receive (a device's quota); null for no limit. */
  private DeliveryBudget budget;

  OutboundQueue(Session session) {
    this.session = session;
  }

  Session session() {
    return session;
  }

  /** The in-flight window the queue drains into, made now if none was needed yet. */
  InflightWindow window() {
    if (window == null) {
      window = new InflightWindow(session);
    }
    return window;
  }

  /** Whether a message waits in the window for the commit of its packet id (see there). */
  boolean holding() {
    return window != null && window.holding();
  }

  /** Whether {@code conn}'s window takes one more QoS 1/2 message. */
  boolean hasRoom(SessionConnection conn) {
    return window == null ? conn.sendQuota() > 0 : window.hasRoom(conn);
  }

  private BrokerConfig config() {
    return session.broker().config();
  }

  private BrokerMetrics metrics() {
    return session.broker().metrics();
  }

  // ---------------------------------------------------------------- copies in

  /** See {@link Session#deliver(Message, List, long)}. */
  void deliver(Message message, List<String> filterKeys, long seq) {
    Outbound o = session.isEnded() ? null : copyFor(message, filterKeys);
    if (o == null) {
      session.forget(seq);
      return;
    }
    if (budget != null && overBudget(message, seq)) {
      return;
    }
    enqueue(stored(o, seq));
  }

  /** The copy of {@code message} for this session's matching subscriptions, or null for none. */
  Outbound copyFor(Message message, List<String> filterKeys) {
    int qos = -1;
    boolean retain = false;
    int[] ids = null;
    int idCount = 0;
    boolean withheld = false;
    for (int i = 0, n = filterKeys.size(); i < n; i++) {
      SubscriptionEntry e = session.subscription(filterKeys.get(i));
      if (e == null || e.isShared()) {
        continue; // unsubscribed since the match
      }
      if (e.noLocal() && session.clientId().equals(message.publisherId())) {
        continue; // [MQTT-3.8.3-3]
      }
      if (!e.delivers(message.topic())) {
        withheld = true; // an access rule keeps this topic from this subscription
        continue;
      }
      qos = Math.max(qos, Math.min(message.qos(), e.qos()));
      retain |= e.retainAsPublished() && message.retain();
      if (e.subscriptionId() != 0) {
        if (ids == null) {
          ids = new int[n];
        }
        ids[idCount++] = e.subscriptionId();
      }
    }
    if (qos < 0) {
      if (withheld) {
        metrics().deliveriesWithheldByRule.increment();
      }
      return null;
    }
    int[] subscriptionIds = ids == null ? NO_IDS : Arrays.copyOf(ids, idCount);
    return new Outbound(message, qos, retain, subscriptionIds, null);
  }

  /**
   * Ties {@code o} to its stored copy {@code seq} when it is one this session keeps (QoS 1/2, the
   * session persistent); otherwise the stored copy, if any, goes.
   */
  private Outbound stored(Outbound o, long seq) {
    if (seq != 0) {
      if (o.qos > 0 && session.isPersistent()) {
        o.seq = seq;
      } else {
        session.forget(seq);
      }
    }
    return o;
  }

  /** See {@link Session#deliverShared(Message, String, long)}. */
  void deliverShared(Message message, String filterKey, long seq) {
    SubscriptionEntry e = session.isEnded() ? null : session.subscription(filterKey);
    if (e == null) {
      session.forget(seq);
      // left the group since it was chosen: give it to another member if there is one
      if (!session.broker().redispatchShared(message, filterKey, session)) {
        metrics().publishDroppedOffline.increment();
        session.countDrop();
      }
      return;
    }
    if (!e.delivers(message.topic())) {
      session.forget(seq); // an access rule keeps this topic from this member
      metrics().deliveriesWithheldByRule.increment();
      return;
    }
    if (budget != null && overBudget(message, seq)) {
      return;
    }
    enqueue(stored(sharedCopy(message, e), seq));
  }

  /**
   * Charges a delivery to the client's budget; true when the budget refused it: the message is
   * dropped and counted (its stored copy deleted), and the connection ended when the budget says
   * so.
   */
  private boolean overBudget(Message message, long seq) {
    int verdict = budget.chargeDelivery(message.payload().length);
    if (verdict == DeliveryBudget.ADMIT) {
      return false;
    }
    session.forget(seq);
    metrics().publishDroppedQuota.increment();
    session.countDrop();
    SessionConnection conn = session.connection();
    if (verdict == DeliveryBudget.DISCONNECT && conn != null) {
      conn.disconnect(ReasonCode.QUOTA_EXCEEDED, "the device's message quota is used up");
    }
    return true;
  }

  /** The copy of {@code message} for the shared subscription {@code e}. */
  static Outbound sharedCopy(Message message, SubscriptionEntry e) {
    int qos = Math.min(message.qos(), e.qos());
    boolean retain = e.retainAsPublished() && message.retain();
    int[] ids = e.subscriptionId() != 0 ? new int[] {e.subscriptionId()} : NO_IDS;
    return new Outbound(message, qos, retain, ids, e);
  }

  /**
   * Retained messages new subscriptions bring, still to send, ahead of the queue; null when there
   * are none.
   */
  private RetainedFeeds feeds;

  /** See {@link Session#deliverRetained(List, SubscriptionEntry)}. */
  void deliverRetained(List<Message> messages, SubscriptionEntry e) {
    if (messages.isEmpty() || session.isEnded()) {
      return;
    }
    if (feeds == null) {
      feeds = new RetainedFeeds();
    }
    feeds.add(e, messages);
    drain();
  }

  private void enqueue(Outbound o) {
    if (session.isEnded()) {
      forget(o);
      return;
    }
    if (o.message.isExpired(System.nanoTime())) {
      metrics().publishDroppedExpired.increment();
      session.countDrop();
      forget(o);
      return;
    }
    SessionConnection conn = session.connection();
    if (conn == null) {
      if (o.qos == 0 && !session.isJoining() && !config().queueQos0Offline()) {
        metrics().publishDroppedOffline.increment();
        session.countDrop();
        return;
      }
      addToQueue(o);
      return;
    }
    if ((queue == null || queue.isEmpty()) && feeds == null && conn.isWritable()) {
      if (o.qos == 0) {
        if (!holding()) {
          send(conn, o);
          return;
        }
      } else if (hasRoom(conn)) {
        window().send(conn, o);
        return;
      }
    }
    addToQueue(o);
  }

  // ---------------------------------------------------------------- the queue and its bounds

  /**
   * Sets its session's hub's limit of queued messages (0: none) and its client's delivery budget
   * (null: none), as its connection says.
   */
  void limits(int hubQueueLimit, DeliveryBudget deliveryBudget) {
    hubLimit = hubQueueLimit;
    budget = deliveryBudget;
  }

  /** The most messages the queue holds: the broker's bound, or the hub's when lower. */
  private int maxQueuedMessages() {
    int server = config().maxQueuedMessages();
    return hubLimit > 0 && hubLimit < server ? hubLimit : server;
  }

  private void addToQueue(Outbound o) {
    if (queue == null) {
      queue = new ArrayDeque<>(1);
    }
    long weight = o.message.weight();
    if (queue.size() >= maxQueuedMessages() || queuedBytes + weight > config().maxQueuedBytes()) {
      // At the bound QoS 0 goes first: the newcomer if it is QoS 0, else the oldest queued QoS 0.
      if (o.qos == 0 || !evictOldestQos0()) {
        metrics().publishDroppedQueueFull.increment();
        session.countDrop();
        forget(o);
        return;
      }
      if (queue.size() >= maxQueuedMessages() || queuedBytes + weight > config().maxQueuedBytes()) {
        metrics().publishDroppedQueueFull.increment();
        session.countDrop();
        forget(o);
        return;
      }
    }
    queue.addLast(o);
    queuedBytes += weight;
    if (o.qos == 0) {
      queuedQos0++;
    }
  }

  private boolean evictOldestQos0() {
    if (queuedQos0 == 0) {
      return false;
    }
    for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
      Outbound q = it.next();
      if (q.qos == 0) {
        it.remove();
        queuedBytes -= q.message.weight();
        queuedQos0--;
        metrics().publishDroppedQueueFull.increment();
        session.countDrop();
        return true;
      }
    }
    return false;
  }

  /** The connection ended and QoS 0 messages are not kept for offline sessions: they go. */
  void dropQueuedQos0() {
    if (queuedQos0 == 0) {
      return;
    }
    for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
      Outbound q = it.next();
      if (q.qos == 0) {
        it.remove();
        queuedBytes -= q.message.weight();
        metrics().publishDroppedOffline.increment();
        session.countDrop();
      }
    }
    queuedQos0 = 0;
  }

  /** On resumption: see {@link InflightWindow#resendAll}. */
  void resendAll(SessionConnection conn) {
    if (window != null) {
      window.resendAll(conn);
    }
  }

  /**
   * The connection ended: what waited in the window is in flight, and re-sent when a connection
   * comes; messages of shared subscriptions may go to another member; queued QoS 0 messages go
   * unless the broker keeps them for offline sessions.
   */
  void connectionLost() {
    if (window != null) {
      window.dropHeld();
    }
    redispatchSharedMessages();
    if (!config().queueQos0Offline()) {
      dropQueuedQos0();
    }
  }

  /** See {@link Session#drain}. */
  void drain() {
    SessionConnection conn = session.connection();
    if (conn == null) {
      return;
    }
    if (window != null) {
      window.resendWaiting(conn);
    }
    if (feeds != null) {
      if (!feeds.feed(this, conn)) {
        return; // the retained messages of new subscriptions go first
      }
      feeds = null;
    }
    if (queue == null) {
      return;
    }
    long now = System.nanoTime();
    while (!queue.isEmpty() && conn.isWritable()) {
      Outbound o = queue.peekFirst();
      if (o.qos > 0 && !hasRoom(conn)) {
        return;
      }
      if (o.qos == 0 && holding()) {
        return; // written after the messages before it: InflightWindow.sendHeld drains again
      }
      queue.pollFirst();
      queuedBytes -= o.message.weight();
      if (o.qos == 0) {
        queuedQos0--;
      }
      if (o.message.isExpired(now)) {
        metrics().publishDroppedExpired.increment(); // [MQTT-3.3.2-5]
        session.countDrop();
        forget(o);
        continue;
      }
      if (o.qos == 0) {
        send(conn, o);
      } else {
        window().send(conn, o);
      }
    }
  }

  void send(SessionConnection conn, Outbound o) {
    if (conn.sendPublish(o, false)) {
      metrics().publishSent(o.qos);
    } else {
      metrics().publishDroppedTooLarge.increment();
      session.countDrop();
    }
  }

  /** See {@link Session#purgeExpired}. */
  void purgeExpired() {
    if (queue == null || queue.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
      Outbound o = it.next();
      if (o.message.isExpired(now)) {
        it.remove();
        queuedBytes -= o.message.weight();
        if (o.qos == 0) {
          queuedQos0--;
        }
        metrics().publishDroppedExpired.increment();
        session.countDrop();
        forget(o);
      }
    }
  }

  // ---------------------------------------------------------------- shared subscriptions

  /**
   * Messages that came through shared subscriptions go to another member of their group when this
   * session's connection ends (section 4.8.2: the Server MAY): QoS 1 ones not acknowledged, and any
   * not sent yet. A QoS 2 message already sent stays: it must be completed with this client when it
   * reconnects [MQTT-4.8.2-4], and goes to nobody else if the session ends [MQTT-4.8.2-5].
   */
  void redispatchSharedMessages() {
    List<Outbound> moved = window == null ? null : window.takeSharedQos1();
    Iterator<Outbound> it = queue == null ? Collections.emptyIterator() : queue.iterator();
    while (it.hasNext()) {
      Outbound o = it.next();
      if (o.sharedVia != null) {
        it.remove();
        queuedBytes -= o.message.weight();
        if (o.qos == 0) {
          queuedQos0--;
        }
        (moved == null ? moved = new ArrayList<>() : moved).add(o);
      }
    }
    if (moved == null) {
      return;
    }
    for (Outbound o : moved) {
      if (session.broker().redispatchShared(o.message, o.sharedVia.filterKey(), session)) {
        forget(o); // the member it went to has stored its own copy
      } else if (!session.isEnded()) {
        o.phase = Outbound.Phase.QUEUED;
        if (o.seq != 0) {
          Change update =
              new Change.UpdateMessage(
                  session.clientId(), o.seq, 0, QueuedMessage.QUEUED, session.hub());
          session.broker().journal().append(update);
        }
        addToQueue(o); // nobody else: keep it for this session
      }
    }
  }

  /** Deletes the stored copy of {@code o}, if it has one, which then has none. */
  void forget(Outbound o) {
    if (o.seq != 0) {
      session.forget(o.seq);
      o.seq = 0;
    }
  }

  // ---------------------------------------------------------------- restart and end

  /** A stored message that was queued when the broker stopped, in its order. */
  void restoreQueued(Outbound o) {
    if (queue == null) {
      queue = new ArrayDeque<>(1);
    }
    queue.addLast(o);
    queuedBytes += o.message.weight();
  }

  /**
   * The session ended: messages of shared subscriptions may go to another member (QoS 1 and queued
   * ones; a QoS 2 one in flight may not [MQTT-4.8.2-5]), the rest goes.
   */
  void end() {
    feeds = null;
    redispatchSharedMessages();
    if (queue != null) {
      queue.clear(); // not dropped: a drain under way may still be looking at it
    }
    if (window != null) {
      window.clear();
    }
    queuedBytes = 0;
    queuedQos0 = 0;
  }

  /**
   * The session moved to another cluster node ({@link Session#unload}): what it held here goes,
   * shared messages included (their stored copies are the other node's now), nothing deleted.
   */
  void unload() {
    feeds = null;
    if (queue != null) {
      queue.clear(); // not dropped: a drain under way may still be looking at it
    }
    if (window != null) {
      window.clear();
    }
    queuedBytes = 0;
    queuedQos0 = 0;
  }

  // ---------------------------------------------------------------- introspection

  int queuedCount() {
    return queue == null ? 0 : queue.size();
  }

  int inflightCount() {
    return window == null ? 0 : window.size();
  }

  long queuedBytes() {
    return queuedBytes;
  }
}
