package dev.switchboard.broker.session;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.Stored;
import dev.switchboard.broker.persist.StoredSession;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of an MQTT session: subscriptions, messages in flight and queued, QoS 2 receive
 * state, the will and the expiry timer. Every field is touched only on {@link #executor()}, the
 * event loop of the connection it is attached to (or was last attached to); other threads hand it
 * work with {@link #execute}.
 */
public final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /** Session Expiry Interval meaning "never expires". */
  public static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

  private final String clientId;
  private final BrokerServices broker;
  private final BrokerConfig config;
  private final BrokerMetrics metrics;

  /** Where a persistent session's state is written; null when the broker keeps memory only. */
  private final Journal journal;

  /**
   * Whether this session is kept in the store: its expiry interval is above 0 and the broker has a
   * store. Volatile: publishers read it to store the messages they route here before they
   * acknowledge them.
   */
  private volatile boolean persistent;

  /** Wall-clock time the last connection ended, for the stored session; -1 while connected. */
  private long disconnectedAtMillis = -1;

  /** The owning loop. Written only by the owning loop when the session moves; read by anyone. */
  private volatile EventLoop executor;

  /** Non-null while a connection is attached; volatile so publishers may peek at it. */
  private volatile SessionConnection connection;

  /**
   * Work handed to the session from any thread, run in order on its loop by {@link #runMailbox}.
   * One queue per session (rather than the loop's own) keeps the order of the tasks when the
   * session moves to another loop: what was handed to it before the move still runs before what
   * comes after.
   */
  private final Queue<Runnable> mailbox = new ConcurrentLinkedQueue<>();

  /** 1 while a run of the mailbox is scheduled; a field and a VarHandle, not an AtomicBoolean. */
  @SuppressWarnings("unused") // accessed through MAILBOX_SCHEDULED
  private volatile int mailboxScheduled;

  private static final VarHandle MAILBOX_SCHEDULED;

  static {
    try {
      MAILBOX_SCHEDULED =
          MethodHandles.lookup().findVarHandle(Session.class, "mailboxScheduled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A connection on its way in: the session has been moved to its loop (or made there) and the
   * attach is queued. Whatever runs on the session before that attach completes it first, so that
   * no other connection can slip in between (see {@link #completeJoin}).
   */
  private SessionConnection joining;

  private boolean joiningSessionPresent;

  /**
   * Counts attaches and losses. A timer started for one disconnection captures it and does nothing
   * if the session has been attached (or lost again) since.
   */
  private long epoch;

  /** In-flight messages still to be re-sent on this connection, waiting for room in its window. */
  private int pendingResends;

  private final Map<String, SubscriptionEntry> subscriptions = new HashMap<>();
  private final LinkedHashMap<Integer, Outbound> inflight = new LinkedHashMap<>();
  // Sized for an idle session: every byte here is multiplied by the number of connections.
  private final ArrayDeque<Outbound> queue = new ArrayDeque<>(1);
  private long queuedBytes;
  private int queuedQos0;
  private int nextPacketId = 1;

  /**
   * Messages given a packet id on this connection and not written yet, in their order: a stored QoS
   * 2 message waits for the commit of its packet id, and what comes after it waits behind it, as
   * topics are ordered [MQTT-4.6.0-6]. Null until the first one.
   */
  private ArrayDeque<Outbound> held;

  /** A message to re-send waits for the commit of its packet id: nothing after it goes first. */
  private boolean resendHeld;

  /** QoS 2 packet ids received and not yet released; null until the first one. */
  private Set<Integer> awaitingPubrel;

  private long expirySeconds;
  private PendingWill will;
  private ScheduledFuture<?> willTimer;
  private ScheduledFuture<?> expiryTimer;
  private boolean ended;

  public Session(String clientId, EventLoop executor, BrokerServices broker) {
    this.clientId = clientId;
    this.executor = executor;
    this.broker = broker;
    this.config = broker.config();
    this.metrics = broker.metrics();
    this.journal = broker.journal();
  }

  public String clientId() {
    return clientId;
  }

  public EventLoop executor() {
    return executor;
  }

  /**
   * True while a connection is attached. Safe from any thread (a hint for shared subscriptions).
   */
  public boolean isOnline() {
    return connection != null;
  }

  /** Whether the session is kept in the store (safe from any thread). */
  public boolean isPersistent() {
    return persistent;
  }

  /**
   * Runs {@code task} on the session's loop: now if already there and nothing is waiting, else in
   * order after the tasks handed over before it. A task that lands on a loop the session has since
   * left follows it.
   */
  public void execute(Runnable task) {
    if (executor.inEventLoop() && mailbox.isEmpty()) {
      runSafely(task);
      return;
    }
    mailbox.offer(task);
    if (MAILBOX_SCHEDULED.compareAndSet(this, 0, 1)) {
      executor.execute(this::runMailbox);
    }
  }

  private static final int MAILBOX_BATCH = 1024;

  private void runMailbox() {
    EventLoop loop = executor;
    if (!loop.inEventLoop()) {
      loop.execute(this::runMailbox); // moved since this run was scheduled
      return;
    }
    for (int i = 0; i < MAILBOX_BATCH; i++) {
      Runnable task = mailbox.poll();
      if (task == null) {
        break;
      }
      runSafely(task);
      if (executor != loop) {
        executor.execute(this::runMailbox); // the task moved the session: the rest follow it
        return;
      }
    }
    mailboxScheduled = 0;
    if (!mailbox.isEmpty() && MAILBOX_SCHEDULED.compareAndSet(this, 0, 1)) {
      executor.execute(this::runMailbox);
    }
  }

  private void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("session {}: a task failed", clientId, e);
    }
  }

  // ---------------------------------------------------------------- connection lifecycle

  /**
   * Makes {@code conn} the connection that joins this new session; called by the registry before it
   * publishes the session, so that a takeover arriving first finds it.
   */
  void prepareJoin(SessionConnection conn) {
    joining = conn;
    joiningSessionPresent = false;
  }

  /** Attaches the joining connection, if one is still on its way in. Runs on the session's loop. */
  void completeJoin() {
    SessionConnection conn = joining;
    if (conn != null) {
      joining = null;
      attach(conn, joiningSessionPresent);
    }
  }

  /**
   * A new connection asks for this session (same client id). Runs on the session's loop. Ends the
   * old connection; then either resumes the session on the new one or, for a clean start or a
   * session that has ended meanwhile, lets the registry make a fresh one.
   */
  void takeOver(SessionConnection newConnection, boolean cleanStart) {
    completeJoin(); // a connection still on its way in is attached first, then taken over
    if (ended) {
      broker.sessions().connect(newConnection, clientId, cleanStart);
      return;
    }
    SessionConnection old = connection;
    if (old != null && old.isActive() && newConnection.rejectsTakeover()) {
      // the device's replace policy is "reject": the connection that is alive keeps its session
      newConnection.identifierRejected();
      return;
    }
    if (old != null) {
      metrics.sessionTakeovers.increment();
      old.takenOver();
      connectionLost(old, true);
    }
    if (ended || cleanStart) {
      if (!ended) {
        end();
      }
      broker.sessions().connect(newConnection, clientId, cleanStart);
      return;
    }
    joining = newConnection;
    joiningSessionPresent = true;
    executor = newConnection.eventLoop(); // after joining: whoever sees the new loop sees joining
    execute(this::completeJoin);
  }

  /**
   * Ends the connection attached to this session, if there is one and {@code which} picks its
   * client: on the session's loop. For administrators' decisions (a device disabled or removed).
   */
  public void disconnectIf(Predicate<ClientIdentity> which, int reasonCode, String why) {
    execute(
        () -> {
          SessionConnection conn = connection;
          if (conn != null && conn.identity() != null && which.test(conn.identity())) {
            conn.disconnect(reasonCode, why);
          }
        });
  }

  /** Attaches a connection; runs on the connection's loop, which is now the session's. */
  private void attach(SessionConnection conn, boolean sessionPresent) {
    if (ended) {
      broker.sessions().connect(conn, clientId, false);
      return;
    }
    cancelTimers();
    epoch++;
    will = conn.will();
    expirySeconds = conn.sessionExpiry();
    disconnectedAtMillis = -1;
    updatePersistence();
    connection = conn;
    conn.attached(this, sessionPresent);
    if (!conn.isActive()) {
      connectionLost(conn, true);
      return;
    }
    if (sessionPresent) {
      resendInflight();
    }
    drain();
    // what the client sent before the CONNACK comes after the re-sends [MQTT-4.4.0-1]
    conn.ready();
  }

  /**
   * The connection ended. {@code publishWill} is false only after a normal DISCONNECT (or a
   * DISCONNECT without 0x04 in 5.0) [MQTT-3.1.2-10] [MQTT-3.14.4-3].
   */
  public void connectionLost(SessionConnection conn, boolean publishWill) {
    if (connection != conn) {
      return;
    }
    connection = null;
    long lost = ++epoch;
    dropHeld(); // in flight: re-sent, in order, when a connection comes
    if (publishWill && will != null) {
      long delay = Math.min(will.delaySeconds(), expirySeconds);
      if (delay <= 0) {
        publishWill();
      } else {
        willTimer = schedule(lost, this::publishWill, delay);
      }
    } else {
      will = null;
    }
    redispatchSharedMessages();
    if (!config.queueQos0Offline()) {
      dropQueuedQos0();
    }
    if (expirySeconds == 0) {
      end();
      return;
    }
    if (expirySeconds != NEVER_EXPIRES) {
      expiryTimer = schedule(lost, this::expire, expirySeconds);
    }
    disconnectedAtMillis = System.currentTimeMillis();
    saveSession();
  }

  /**
   * Starts or stops keeping this session in the store as its expiry interval says: a session that
   * ends with its connection never touches the disk [DESIGN: online clean sessions].
   */
  private void updatePersistence() {
    boolean keep = journal != null && expirySeconds > 0 && !ended;
    if (keep) {
      persistent = true;
      saveSession();
    } else if (persistent) {
      persistent = false;
      journal.append(new Change.DeleteSession(clientId));
    }
  }

  private void saveSession() {
    if (persistent) {
      journal.append(
          new Change.PutSession(
              new StoredSession(
                  clientId, expirySeconds, disconnectedAtMillis, StoredForms.will(will))));
    }
  }

  /**
   * Runs {@code action} on the session's loop after {@code seconds}, unless the session has been
   * attached, lost again or ended since the disconnection {@code lost} (the timer may fire on a
   * loop the session has left, or just before a cancel).
   */
  private ScheduledFuture<?> schedule(long lost, Runnable action, long seconds) {
    Runnable guarded =
        () -> {
          if (epoch == lost && connection == null && joining == null && !ended) {
            action.run();
          }
        };
    return executor.schedule(() -> execute(guarded), seconds, TimeUnit.SECONDS);
  }

  /** A 5.0 DISCONNECT may change the expiry interval (not from 0: the connection checks that). */
  public void updateExpiry(long seconds) {
    expirySeconds = seconds;
    if (seconds == 0) {
      updatePersistence();
    }
  }

  private void expire() {
    if (connection == null && joining == null && !ended) {
      metrics.sessionsExpired.increment();
      log.debug("session {} expired", clientId);
      end();
    }
  }

  private void publishWill() {
    PendingWill w = will;
    will = null;
    willTimer = null;
    if (w != null) {
      metrics.willsPublished.increment();
      broker.publish(w.toPublish(System.nanoTime()));
      if (!ended && connection == null) {
        saveSession(); // without the will: a restart must not publish it again
      }
    }
  }

  /**
   * Ends the session: removes it from the registry and the subscription index, sends a will still
   * waiting for its delay (the session ending comes first [MQTT-3.1.3-9]), drops its messages.
   */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    broker.sessions().remove(this);
    updatePersistence(); // ended: its stored state goes
    for (SubscriptionEntry e : subscriptions.values()) {
      unindex(e);
    }
    subscriptions.clear();
    if (willTimer != null) {
      willTimer.cancel(false);
      publishWill();
    }
    cancelTimers();
    // QoS 1 and queued shared messages may go to another member; a QoS 2 one in flight may not
    // [MQTT-4.8.2-5]
    redispatchSharedMessages();
    queue.clear();
    inflight.clear();
    dropHeld();
    queuedBytes = 0;
    queuedQos0 = 0;
    pendingResends = 0;
    awaitingPubrel = null;
  }

  public boolean isEnded() {
    return ended;
  }

  /** Broker shutdown: publish the will at once, whatever its delay, as the session goes away. */
  public void shutdown() {
    if (connection != null && will != null) {
      publishWill();
    }
  }

  private void cancelTimers() {
    if (willTimer != null) {
      willTimer.cancel(false);
      willTimer = null;
    }
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
      expiryTimer = null;
    }
  }

  // ---------------------------------------------------------------- subscriptions

  /** Adds or replaces a subscription; returns whether one with the same filter existed. */
  public boolean subscribe(SubscriptionEntry entry) {
    if (persistent) {
      // Stored before it is indexed: a publisher that finds it stores after it
      journal.append(new Change.PutSubscription(StoredForms.subscription(clientId, entry)));
    }
    SubscriptionEntry old = subscriptions.put(entry.filterKey(), entry);
    if (old == null) {
      if (entry.isShared()) {
        broker.subscriptions().subscribeShared(this, entry.shareName(), entry.filter());
      } else {
        broker.subscriptions().subscribe(this, entry.filter());
      }
    }
    return old != null;
  }

  public boolean unsubscribe(String filterKey) {
    SubscriptionEntry old = subscriptions.remove(filterKey);
    if (old != null) {
      unindex(old);
      if (persistent) {
        journal.append(new Change.DeleteSubscription(clientId, filterKey));
      }
    }
    return old != null;
  }

  public Collection<SubscriptionEntry> subscriptions() {
    return subscriptions.values();
  }

  private void unindex(SubscriptionEntry e) {
    if (e.isShared()) {
      broker.subscriptions().unsubscribeShared(this, e.shareName(), e.filter());
    } else {
      broker.subscriptions().unsubscribe(this, e.filter());
    }
  }

  // ---------------------------------------------------------------- delivery

  /**
   * A message matched this session's non-shared subscriptions {@code filterKeys}: one copy at the
   * highest granted QoS with every matching Subscription Identifier [MQTT-3.3.4-2] [MQTT-3.3.4-3].
   */
  public void deliver(Message message, List<String> filterKeys) {
    deliver(message, filterKeys, 0);
  }

  /**
   * As {@link #deliver(Message, List)}, for a message the publisher stored for this session as
   * {@code seq} (0: not stored).
   */
  public void deliver(Message message, List<String> filterKeys, long seq) {
    Outbound o = ended ? null : outbound(message, filterKeys);
    if (o == null) {
      forget(seq);
      return;
    }
    enqueue(stored(o, seq));
  }

  /** The copy of {@code message} for this session's matching subscriptions, or null for none. */
  private Outbound outbound(Message message, List<String> filterKeys) {
    int qos = -1;
    boolean retain = false;
    int[] ids = null;
    int idCount = 0;
    for (int i = 0, n = filterKeys.size(); i < n; i++) {
      SubscriptionEntry e = subscriptions.get(filterKeys.get(i));
      if (e == null || e.isShared()) {
        continue; // unsubscribed since the match
      }
      if (e.noLocal() && clientId.equals(message.publisherId())) {
        continue; // [MQTT-3.8.3-3]
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
      return null;
    }
    int[] subscriptionIds = ids == null ? NO_IDS : java.util.Arrays.copyOf(ids, idCount);
    return new Outbound(message, qos, retain, subscriptionIds, null);
  }

  /**
   * Ties {@code o} to its stored copy {@code seq} when it is one this session keeps (QoS 1/2, the
   * session persistent); otherwise the stored copy, if any, goes.
   */
  private Outbound stored(Outbound o, long seq) {
    if (seq != 0) {
      if (o.qos > 0 && persistent) {
        o.seq = seq;
      } else {
        forget(seq);
      }
    }
    return o;
  }

  /** Deletes the stored copy of a message this session no longer keeps. */
  private void forget(long seq) {
    if (seq != 0 && journal != null) {
      journal.append(new Change.DeleteMessage(clientId, seq));
    }
  }

  private void forget(Outbound o) {
    if (o.seq != 0) {
      forget(o.seq);
      o.seq = 0;
    }
  }

  private static final int[] NO_IDS = new int[0];

  /** A message given to this session as the chosen member of a shared subscription group. */
  public void deliverShared(Message message, String filterKey) {
    deliverShared(message, filterKey, 0);
  }

  /** As {@link #deliverShared(Message, String)}, stored by the publisher as {@code seq}. */
  public void deliverShared(Message message, String filterKey, long seq) {
    SubscriptionEntry e = ended ? null : subscriptions.get(filterKey);
    if (e == null) {
      forget(seq);
      // left the group since it was chosen: give it to another member if there is one
      if (!broker.redispatchShared(message, filterKey, this)) {
        metrics.publishDroppedOffline.increment();
      }
      return;
    }
    enqueue(stored(sharedOutbound(message, e), seq));
  }

  private static Outbound sharedOutbound(Message message, SubscriptionEntry e) {
    int qos = Math.min(message.qos(), e.qos());
    boolean retain = e.retainAsPublished() && message.retain();
    int[] ids = e.subscriptionId() != 0 ? new int[] {e.subscriptionId()} : NO_IDS;
    return new Outbound(message, qos, retain, ids, e);
  }

  /** A retained message sent because of a new subscription: RETAIN stays set [MQTT-3.3.1-8]. */
  public void deliverRetained(Message message, SubscriptionEntry e) {
    int qos = Math.min(message.qos(), e.qos());
    int[] ids = e.subscriptionId() != 0 ? new int[] {e.subscriptionId()} : NO_IDS;
    Outbound o = new Outbound(message, qos, true, ids, null);
    if (qos > 0 && persistent && !ended) {
      // Stored as published at the granted QoS with RETAIN set, through its subscription
      Message copy = message.qos() == qos ? message.withRetain(true) : atQos(message, qos);
      o.seq = journal.nextSeq();
      journal.append(
          new Change.PutMessage(
              QueuedMessage.queued(
                  clientId, o.seq, Stored.message(copy), List.of(e.filterKey()), false)));
    }
    enqueue(o);
  }

  private static Message atQos(Message m, int qos) {
    return new Message(
        m.topic(), m.payload(), qos, true, m.properties(), m.publisherId(), m.expiresAtNanos());
  }

  private void enqueue(Outbound o) {
    if (ended) {
      forget(o);
      return;
    }
    if (o.message.isExpired(System.nanoTime())) {
      metrics.publishDroppedExpired.increment();
      forget(o);
      return;
    }
    SessionConnection conn = connection;
    if (conn == null) {
      if (o.qos == 0 && joining == null && !config.queueQos0Offline()) {
        metrics.publishDroppedOffline.increment();
        return;
      }
      addToQueue(o);
      return;
    }
    if (queue.isEmpty() && conn.isWritable()) {
      if (o.qos == 0) {
        if (!holding()) {
          send(conn, o);
          return;
        }
      } else if (inflight.size() < conn.sendQuota()) {
        sendInflight(conn, o);
        return;
      }
    }
    addToQueue(o);
  }

  private void addToQueue(Outbound o) {
    long weight = o.message.weight();
    if (queue.size() >= config.maxQueuedMessages()
        || queuedBytes + weight > config.maxQueuedBytes()) {
      // At the bound QoS 0 goes first: the newcomer if it is QoS 0, else the oldest queued QoS 0.
      if (o.qos == 0 || !evictOldestQos0()) {
        metrics.publishDroppedQueueFull.increment();
        forget(o);
        return;
      }
      if (queue.size() >= config.maxQueuedMessages()
          || queuedBytes + weight > config.maxQueuedBytes()) {
        metrics.publishDroppedQueueFull.increment();
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
        metrics.publishDroppedQueueFull.increment();
        return true;
      }
    }
    return false;
  }

  private void dropQueuedQos0() {
    if (queuedQos0 == 0) {
      return;
    }
    for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
      Outbound q = it.next();
      if (q.qos == 0) {
        it.remove();
        queuedBytes -= q.message.weight();
        metrics.publishDroppedOffline.increment();
      }
    }
    queuedQos0 = 0;
  }

  /** Sends queued messages while the socket is writable and the in-flight window has room. */
  public void drain() {
    SessionConnection conn = connection;
    if (conn == null) {
      return;
    }
    if (pendingResends > 0 || resendHeld) {
      resendPending(conn);
    }
    long now = System.nanoTime();
    while (!queue.isEmpty() && conn.isWritable()) {
      Outbound o = queue.peekFirst();
      if (o.qos > 0 && inflight.size() >= conn.sendQuota()) {
        return;
      }
      if (o.qos == 0 && holding()) {
        return; // written after the messages before it: sendHeld drains again
      }
      queue.pollFirst();
      queuedBytes -= o.message.weight();
      if (o.qos == 0) {
        queuedQos0--;
      }
      if (o.message.isExpired(now)) {
        metrics.publishDroppedExpired.increment(); // [MQTT-3.3.2-5]
        forget(o);
        continue;
      }
      if (o.qos == 0) {
        send(conn, o);
      } else {
        sendInflight(conn, o);
      }
    }
  }

  private void send(SessionConnection conn, Outbound o) {
    if (conn.sendPublish(o, false)) {
      metrics.publishSent.increment();
    } else {
      metrics.publishDroppedTooLarge.increment();
    }
  }

  private void sendInflight(SessionConnection conn, Outbound o) {
    o.packetId = allocatePacketId();
    o.phase = o.qos == 1 ? Outbound.Phase.AWAITING_PUBACK : Outbound.Phase.AWAITING_PUBREC;
    if (o.seq != 0) {
      journal.append(new Change.UpdateMessage(clientId, o.seq, o.packetId, o.storedPhase()));
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
      metrics.publishSent.increment();
    } else {
      // Too large for this client: discard as if delivered [MQTT-3.1.2-25]
      o.phase = Outbound.Phase.QUEUED;
      metrics.publishDroppedTooLarge.increment();
      forget(o);
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
      execute(() -> stepCommitted(o));
    }

    @Override
    public void failed(StoreException e) {
      execute(() -> stepCommitted(o));
    }
  }

  /**
   * The step {@code o} waited for is on disk: re-sends that stopped at it go on, its PUBREL goes
   * out if that is what it waited to send, then the messages held behind it (its PUBLISH first).
   */
  private void stepCommitted(Outbound o) {
    o.commitPending = false;
    SessionConnection conn = connection;
    if (conn == null) {
      return; // re-sent when a connection comes
    }
    if (pendingResends > 0 || resendHeld) {
      resendPending(conn);
    }
    if (o.unsent && inflight.get(o.packetId) == o && o.phase == Outbound.Phase.AWAITING_PUBCOMP) {
      o.unsent = false;
      conn.sendPubRel(o.packetId);
    }
    sendHeld(conn);
  }

  /** Whether a message waits for the commit of its packet id, with anything after it. */
  private boolean holding() {
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
        metrics.publishSent.increment();
      } else {
        inflight.remove(o.packetId); // too large for this client [MQTT-3.1.2-25]
        metrics.publishDroppedTooLarge.increment();
        forget(o);
      }
    }
    drain();
  }

  /** The connection ended: what waited is in flight, and re-sent when a connection comes. */
  private void dropHeld() {
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
   * [MQTT-3.3.4-9]; the rest follow as acknowledgements make room ({@link #drain}).
   */
  private void resendInflight() {
    for (Outbound o : inflight.values()) {
      o.resendPending = true;
    }
    pendingResends = inflight.size();
    resendPending(connection);
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
        metrics.publishDroppedTooLarge.increment();
        forget(o);
      }
    }
  }

  /** PUBACK from the client. */
  public void onPubAck(int packetId) {
    Outbound o = inflight.get(packetId);
    if (o != null && o.phase == Outbound.Phase.AWAITING_PUBACK) {
      removeInflight(o);
      drain();
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
      drain();
      return true;
    }
    o.phase = Outbound.Phase.AWAITING_PUBCOMP;
    if (o.resendPending) {
      o.resendPending = false; // the client had it already: the PUBREL below is all it needs
      pendingResends--;
    }
    if (o.seq != 0) {
      journal.append(new Change.UpdateMessage(clientId, o.seq, o.packetId, o.storedPhase()));
      if (journal.strict()) {
        // On PUBREL the client forgets the packet id: a broker restarted before this phase is on
        // disk would send the PUBLISH again, and the client would deliver it a second time.
        o.commitPending = true;
        o.unsent = true;
        journal.whenCommitted(new AfterCommit(o));
        return true;
      }
    }
    connection.sendPubRel(packetId);
    return true;
  }

  /** PUBCOMP from the client. */
  public void onPubComp(int packetId) {
    Outbound o = inflight.get(packetId);
    if (o != null && o.phase == Outbound.Phase.AWAITING_PUBCOMP) {
      removeInflight(o);
      drain();
    }
  }

  private void removeInflight(Outbound o) {
    inflight.remove(o.packetId);
    forget(o);
    if (o.resendPending) {
      o.resendPending = false;
      pendingResends--;
    }
  }

  // ---------------------------------------------------------------- QoS 2 receive state

  /** True if a QoS 2 PUBLISH with this id was received and not yet released (a duplicate). */
  public boolean isAwaitingPubrel(int packetId) {
    return awaitingPubrel != null && awaitingPubrel.contains(packetId);
  }

  public void markAwaitingPubrel(int packetId) {
    if (awaitingPubrel == null) {
      awaitingPubrel = new HashSet<>();
    }
    awaitingPubrel.add(packetId);
  }

  /**
   * PUBREL from the client; returns false when the id was unknown. The stored id goes too (even an
   * unknown one: it may be on disk from a commit that failed after memory let it go).
   */
  public boolean release(int packetId) {
    if (persistent) {
      journal.append(new Change.ReleasePubrel(clientId, packetId));
    }
    return awaitingPubrel != null && awaitingPubrel.remove(packetId);
  }

  /** A QoS 2 PUBLISH whose PUBREC could not be given after all (its commit failed). */
  public void forgetAwaitingPubrel(int packetId) {
    if (awaitingPubrel != null) {
      awaitingPubrel.remove(packetId);
    }
  }

  public int awaitingPubrelCount() {
    return awaitingPubrel == null ? 0 : awaitingPubrel.size();
  }

  // ---------------------------------------------------------------- shared subscriptions

  /**
   * Messages that came through shared subscriptions go to another member of their group when this
   * session's connection ends (section 4.8.2: the Server MAY): QoS 1 ones not acknowledged, and any
   * not sent yet. A QoS 2 message already sent stays: it must be completed with this client when it
   * reconnects [MQTT-4.8.2-4], and goes to nobody else if the session ends [MQTT-4.8.2-5].
   */
  private void redispatchSharedMessages() {
    List<Outbound> moved = null;
    for (Iterator<Outbound> it = inflight.values().iterator(); it.hasNext(); ) {
      Outbound o = it.next();
      if (o.sharedVia != null && o.qos == 1) {
        it.remove();
        if (o.resendPending) {
          o.resendPending = false;
          pendingResends--;
        }
        (moved == null ? moved = new ArrayList<>() : moved).add(o);
      }
    }
    for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
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
      if (broker.redispatchShared(o.message, o.sharedVia.filterKey(), this)) {
        forget(o); // the member it went to has stored its own copy
      } else if (!ended) {
        o.phase = Outbound.Phase.QUEUED;
        if (o.seq != 0) {
          journal.append(new Change.UpdateMessage(clientId, o.seq, 0, QueuedMessage.QUEUED));
        }
        addToQueue(o); // nobody else: keep it for this session
      }
    }
  }

  // ---------------------------------------------------------------- restart

  /**
   * Rebuilds a stored session, offline, as if its connection had just ended (or ended at {@code
   * stored.disconnectedAtMillis()}): subscriptions indexed, messages queued and in flight in their
   * order with their packet ids, QoS 2 packet ids awaiting PUBREL. Runs on the session's loop
   * before the broker listens; {@link #resumeTimers} follows once every session is back.
   */
  public void restore(
      StoredSession stored,
      List<SubscriptionEntry> subs,
      List<QueuedMessage> messages,
      List<Integer> awaiting) {
    expirySeconds = stored.expirySeconds();
    will = StoredForms.will(stored.will());
    for (SubscriptionEntry e : subs) {
      subscribe(e);
    }
    persistent = journal != null; // after the subscriptions: they are stored already
    long now = System.nanoTime();
    for (QueuedMessage q : messages) {
      Message m = Stored.message(q.message());
      Outbound o;
      if (q.shared()) {
        SubscriptionEntry e =
            q.filterKeys().isEmpty() ? null : subscriptions.get(q.filterKeys().get(0));
        o = e == null ? null : sharedOutbound(m, e);
      } else {
        o = outbound(m, q.filterKeys());
      }
      if (o == null || o.qos == 0 || m.isExpired(now)) {
        forget(q.seq()); // its subscription is gone, or it expired while the broker was down
        continue;
      }
      o.seq = q.seq();
      if (q.phase() == QueuedMessage.QUEUED || q.packetId() == 0) {
        queue.addLast(o);
        queuedBytes += m.weight();
      } else {
        o.packetId = q.packetId();
        o.phase = Outbound.Phase.values()[Math.min(q.phase(), 3)];
        inflight.put(o.packetId, o);
        nextPacketId = o.packetId == 65535 ? 1 : o.packetId + 1;
      }
    }
    for (int id : awaiting) {
      markAwaitingPubrel(id);
    }
    disconnectedAtMillis =
        stored.disconnectedAtMillis() < 0
            ? System.currentTimeMillis()
            : stored.disconnectedAtMillis();
  }

  /**
   * The timers of a restored session: its will (a client connected when the broker stopped lost its
   * connection then) and its expiry, counted from when its connection ended. Runs on its loop once
   * every stored session is restored, so that a will finds every subscriber.
   */
  public void resumeTimers() {
    if (ended || connection != null || joining != null) {
      return;
    }
    long lost = ++epoch;
    long downSeconds = Math.max(0, (System.currentTimeMillis() - disconnectedAtMillis) / 1000);
    if (will != null) {
      long delay = Math.min(will.delaySeconds(), expirySeconds) - downSeconds;
      if (delay <= 0) {
        publishWill();
      } else {
        willTimer = schedule(lost, this::publishWill, delay);
      }
    }
    if (expirySeconds != NEVER_EXPIRES) {
      long left = expirySeconds - downSeconds;
      if (left <= 0) {
        expire();
        return;
      }
      expiryTimer = schedule(lost, this::expire, left);
    }
    saveSession();
  }

  /** Drops queued messages that have expired (housekeeping for sessions that stay offline). */
  public void purgeExpired() {
    if (queue.isEmpty()) {
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
        metrics.publishDroppedExpired.increment();
        forget(o);
      }
    }
  }

  // ---------------------------------------------------------------- introspection

  public int inflightCount() {
    return inflight.size();
  }

  public int queuedCount() {
    return queue.size();
  }

  public long queuedBytes() {
    return queuedBytes;
  }
}
