package dev.switchboard.broker.session;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.broker.auth.TopicGuard;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.mqtt.LogSafe;
import io.netty.channel.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of an MQTT session: its identity and life cycle (attach, takeover, connection
 * lost, will, end), and the one object its connection and the broker call. The rest is in its
 * parts: what it sends in {@link OutboundQueue} and {@link InflightWindow}, its subscriptions in
 * {@link SessionSubscriptions}, its QoS 2 receive state in {@link AwaitingPubrel}, work from other
 * threads in its {@link SessionMailbox}, the time it spends offline (the will's delay and the
 * expiry) in a {@link SessionAbsence}. Every field, its parts' too, is touched only on {@link
 * #executor()}, the event loop of the connection it is attached to (or was last attached to); other
 * threads hand it work with {@link #execute} and deliveries with {@link #offer}.
 */
public final class Session implements Subscriber {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /** Session Expiry Interval meaning "never expires". */
  public static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

  /** Its hub and client id, as {@link SessionKey} makes them (the client id in the default hub). */
  private final Object key;

  private final BrokerServices broker;
  private final SessionMailbox mailbox;

  // Made when first needed: every byte of an idle session is multiplied by the connections
  private OutboundQueue outbound;
  private SessionSubscriptions subscriptions;
  private AwaitingPubrel awaitingPubrel;

  /**
   * Whether this session is kept in the store: its expiry interval is above 0 and the broker has a
   * store. Volatile: publishers read it to store the messages they route here before they
   * acknowledge them.
   */
  private volatile boolean persistent;

  /** Non-null while a connection is attached; volatile so publishers may peek at it. */
  private volatile SessionConnection connection;

  /**
   * A connection on its way in: the session has been moved to its loop (or made there) and the
   * attach is queued. Whatever runs on the session before that attach completes it first, so that
   * no other connection can slip in between (see {@link #completeJoin}).
   */
  private SessionConnection joining;

  private boolean joiningSessionPresent;

  /**
   * Its time without a connection (since when, and the will and expiry timers); null while a
   * connection is attached and before the first one.
   */
  private SessionAbsence absence;

  private long expirySeconds;

  /**
   * Messages dropped for this session, any cause: written only where a message is dropped (on the
   * session's loop, or on a publisher's for a full mailbox, hence the atomic add), read from any
   * thread; the delivery path never touches it.
   */
  @SuppressWarnings("unused") // accessed through DROPS
  private volatile int drops;

  private static final VarHandle DROPS;

  static {
    try {
      DROPS = MethodHandles.lookup().findVarHandle(Session.class, "drops", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The will it holds, or null. */
  private SessionWill will;

  private boolean ended;

  /**
   * Ended here because another cluster node holds it now ({@link #unload}): its stored rows are
   * that node's, and nothing here deletes them any more.
   */
  private boolean unloaded;

  /**
   * @param hub the hub it belongs to: with the client id, its identity; its subscriptions, wills
   *     and stored rows are that hub's
   */
  public Session(String hub, String clientId, EventLoop executor, BrokerServices broker) {
    this.key = SessionKey.of(hub, clientId);
    this.broker = broker;
    this.mailbox = new SessionMailbox(this, executor);
  }

  /** The broker's services, which the session's parts reach through it. */
  BrokerServices broker() {
    return broker;
  }

  @Override
  public String clientId() {
    return SessionKey.clientId(key);
  }

  @Override
  public String hub() {
    return SessionKey.hub(key);
  }

  public EventLoop executor() {
    return mailbox.loop();
  }

  /**
   * True while a connection is attached. Safe from any thread (a hint for shared subscriptions).
   */
  @Override
  public boolean isOnline() {
    return connection != null;
  }

  /** Whether the session is kept in the store (safe from any thread). */
  @Override
  public boolean isPersistent() {
    return persistent;
  }

  // ---------------------------------------------------------------- the mailbox

  /**
   * Runs {@code task} on the session's loop: now if already there and nothing is waiting, else in
   * order after the tasks handed over before it. A task that lands on a loop the session has since
   * left follows it. Never refused: for control work (takeovers, timers, a lost connection, commit
   * completions), a few tasks per session; deliveries go through {@link #offer}.
   */
  public void execute(Runnable task) {
    mailbox.execute(task);
  }

  /**
   * A copy from any thread, to {@link #deliver} on the session's loop, counted in its mailbox while
   * it waits: see {@link SessionMailbox} for the bounds and {@link Subscriber#offer} for the rest.
   */
  @Override
  public boolean offer(Message message, List<String> filterKeys, long storedSeq) {
    return mailbox.offer(Delivery.of(this, message, filterKeys, storedSeq));
  }

  @Override
  public boolean offerShared(Message message, String filterKey, long storedSeq) {
    return mailbox.offer(Delivery.shared(this, message, filterKey, storedSeq));
  }

  @Override
  public void whenRoom(Runnable resume) {
    mailbox.whenRoom(resume);
  }

  /** Its mailbox, whose counts are safe to read from any thread. */
  SessionMailbox mailbox() {
    return mailbox;
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
      broker.sessions().connect(newConnection, hub(), clientId(), cleanStart);
      return;
    }
    SessionConnection old = connection;
    if (old != null && old.isActive() && newConnection.rejectsTakeover()) {
      // the device's replace policy is "reject": the connection that is alive keeps its session
      newConnection.identifierRejected();
      return;
    }
    if (old != null) {
      broker.metrics().sessionTakeovers.increment();
      old.takenOver();
      // A 5.0 will waits for its delay, and is never sent when a new connection to the session
      // comes first [MQTT-3.1.3-9]: one that resumes the session is that connection, even with
      // a delay of 0. A clean start ends the session, which publishes the will [MQTT-3.1.2-8].
      boolean resumed = old.isMqtt5() && !cleanStart && expirySeconds > 0;
      connectionLost(old, !resumed);
    }
    if (ended || cleanStart) {
      if (!ended) {
        end();
      }
      broker.sessions().connect(newConnection, hub(), clientId(), cleanStart);
      return;
    }
    joining = newConnection;
    joiningSessionPresent = true;
    // after joining: whoever sees the new loop sees joining
    mailbox.moveTo(newConnection.eventLoop());
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

  /**
   * Ends the session of a hub that was removed, on the session's loop: its connection, if any, is
   * ended with {@code reasonCode} and no will is published (the hub has nobody left to receive it),
   * then the session ends with its stored state, persistent or not.
   */
  public void discard(int reasonCode, String why) {
    execute(
        () -> {
          completeJoin(); // a connection still on its way in is attached first, then ended
          dropWill();
          SessionConnection conn = connection;
          if (conn != null) {
            connectionLost(conn, false);
            conn.disconnect(reasonCode, why);
          }
          end();
        });
  }

  /**
   * Hands the session over to another cluster node, on the session's loop: its connection, if any,
   * is ended with {@code reasonCode}, its will published as a takeover on this node would (unless
   * the client's new connection resumes the 5.0 session [MQTT-3.1.3-9]); its last state is written
   * (offline since now), then it stops here, out of the registry and the subscription index,
   * without deleting its stored rows, which the other node loads.
   *
   * @param resumes whether the new connection does not start clean (it would resume the session)
   */
  public void unload(int reasonCode, String why, boolean resumes) {
    execute(
        () -> {
          completeJoin(); // a connection still on its way in is attached first, then ended
          SessionConnection conn = connection;
          if (conn != null && !(conn.isMqtt5() && resumes && expirySeconds > 0)) {
            publishWill(); // the client is back elsewhere: the old connection ends abnormally
          }
          dropWill();
          if (conn != null) {
            connectionLost(conn, false);
            conn.disconnect(reasonCode, why);
          }
          if (ended) {
            return; // not persistent: it ended with its connection
          }
          unloaded = true;
          persistent = false; // publishers from now on store nothing for it here
          ended = true;
          broker.sessions().remove(this);
          if (subscriptions != null) {
            subscriptions.clear();
          }
          endAbsence();
          if (outbound != null) {
            outbound.unload();
          }
          awaitingPubrel = null;
        });
  }

  /** Attaches a connection; runs on the connection's loop, which is now the session's. */
  private void attach(SessionConnection conn, boolean sessionPresent) {
    if (ended) {
      broker.sessions().connect(conn, hub(), clientId(), false);
      return;
    }
    ClientIdentity who = conn.identity();
    int hubQueueLimit =
        who == null || who.principal() == null ? 0 : who.principal().quota().queuedMessages();
    DeliveryBudget budget =
        who == null || who.principal() == null ? null : who.principal().budget();
    if (hubQueueLimit > 0 || budget != null || outbound != null) {
      // kept by the queue: an idle session pays nothing
      outbound().limits(hubQueueLimit, budget);
    }
    endAbsence();
    dropWill(); // a will left from an earlier connection (its delay not over) never goes out
    expirySeconds = conn.sessionExpiry();
    will = SessionWill.attached(this, conn.will(), expirySeconds == 0);
    updatePersistence();
    connection = conn;
    conn.attached(this, sessionPresent);
    if (!conn.isActive()) {
      connectionLost(conn, true);
      return;
    }
    if (sessionPresent && outbound != null) {
      outbound.resendAll(conn);
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
    if (!publishWill) {
      dropWill();
    }
    if (expirySeconds == 0) {
      publishWill(); // a will's delay cannot outlast its session [MQTT-3.1.3-9]
      if (outbound != null) {
        outbound.connectionLost();
      }
      end();
      return;
    }
    absence = new SessionAbsence(this, System.currentTimeMillis());
    absence.startTimers(0); // publishes a will due now; the expiry is a second away at least
    if (outbound != null) {
      outbound.connectionLost();
    }
    saveSession();
  }

  /**
   * Starts or stops keeping this session in the store as its expiry interval says: a session that
   * ends with its connection never touches the disk [DESIGN: online clean sessions].
   */
  private void updatePersistence() {
    boolean keep = broker.journal() != null && expirySeconds > 0 && !ended;
    if (keep) {
      persistent = true;
      saveSession();
    } else if (persistent) {
      persistent = false;
      broker.journal().append(new Change.DeleteSession(clientId(), hub()));
    }
  }

  private void saveSession() {
    if (persistent) {
      StoredSession stored =
          new StoredSession(
              clientId(),
              expirySeconds,
              disconnectedAtMillis(),
              StoredForms.will(pendingWill()),
              hub());
      broker.journal().append(new Change.PutSession(stored, broker.journal().holder()));
    }
  }

  /** Whether the session is still in {@code a}: not attached, lost again or ended since. */
  boolean isIn(SessionAbsence a) {
    return absence == a && connection == null && joining == null && !ended;
  }

  /** A connection attaches (or the session ends): the offline time is over, its timers stop. */
  private void endAbsence() {
    if (absence != null) {
      absence.cancel();
      absence = null;
    }
  }

  /** A 5.0 DISCONNECT may change the expiry interval (not from 0: the connection checks that). */
  public void updateExpiry(long seconds) {
    expirySeconds = seconds;
    if (seconds == 0) {
      updatePersistence();
    }
  }

  /** The expiry interval has run out offline: the session ends. */
  void expire() {
    if (connection == null && joining == null && !ended) {
      broker.metrics().sessionsExpired.increment();
      log.debug("session {} expired", LogSafe.text(clientId()));
      end();
    }
  }

  /** Publishes the will now, if the session holds one; at most once. */
  void publishWill() {
    SessionWill w = will;
    will = null;
    if (absence != null) {
      absence.willDone();
    }
    if (w != null) {
      broker.metrics().willsPublished.increment();
      // the will goes to its hub
      broker.publish(w.pending().toPublish(System.nanoTime()).inHub(hub()));
      w.letGo(this); // published: the keeper's copy must not go out again
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
    if (subscriptions != null) {
      subscriptions.clear();
    }
    if (absence != null) {
      boolean willWaiting = absence.willWaiting();
      absence.cancel(); // kept: when it went offline is still what administrators see
      if (willWaiting) {
        publishWill();
      }
    }
    if (outbound != null) {
      outbound.end();
    }
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

  /** Lets go of the will, if it holds one, without publishing it. */
  private void dropWill() {
    SessionWill w = will;
    if (w != null) {
      will = null;
      w.letGo(this);
    }
  }

  // ---------------------------------------------------------------- restart

  /**
   * A session rebuilt from the store ({@link SessionRestorer}), offline since {@code
   * disconnectedAtMillis} (or now, for -1: it was connected when the broker stopped): its settings
   * and subscriptions. It is persistent from here on; its subscriptions, stored already, are not
   * written again.
   */
  void restoreStored(
      long expirySeconds,
      PendingWill will,
      List<SubscriptionEntry> subs,
      long disconnectedAtMillis) {
    this.expirySeconds = expirySeconds;
    this.will = SessionWill.stored(will);
    for (SubscriptionEntry e : subs) {
      subscribe(e);
    }
    persistent = broker.journal() != null; // after the subscriptions: they are stored already
    absence =
        new SessionAbsence(
            this, disconnectedAtMillis < 0 ? System.currentTimeMillis() : disconnectedAtMillis);
  }

  /**
   * The timers of a restored session: its will (a client connected when the broker stopped lost its
   * connection then) and its expiry, counted from when its connection ended. Runs on its loop once
   * every stored session is restored, so that a will finds every subscriber.
   */
  void resumeTimers() {
    if (ended || connection != null || joining != null || absence == null) {
      return;
    }
    long downSeconds = Math.max(0, (System.currentTimeMillis() - absence.sinceMillis()) / 1000);
    if (absence.startTimers(downSeconds)) {
      saveSession();
    }
  }

  // ---------------------------------------------------------------- subscriptions

  /** Adds or replaces a subscription; returns whether one with the same filter existed. */
  public boolean subscribe(SubscriptionEntry entry) {
    if (subscriptions == null) {
      subscriptions = new SessionSubscriptions(this);
    }
    return subscriptions.subscribe(entry);
  }

  public boolean unsubscribe(String filterKey) {
    return subscriptions != null && subscriptions.unsubscribe(filterKey);
  }

  public Collection<SubscriptionEntry> subscriptions() {
    return subscriptions == null ? List.of() : subscriptions.all();
  }

  /**
   * Gives the subscription with {@code filterKey} another guard (null: none), as the client's
   * access rules say now; the subscription itself is not changed, indexed or stored again.
   */
  public void guard(String filterKey, TopicGuard guard) {
    SubscriptionEntry e = subscription(filterKey);
    if (e != null) {
      subscriptions.replaceGuard(filterKey, e.withGuard(guard));
    }
  }

  /** The subscription with filter {@code filterKey}, or null. */
  SubscriptionEntry subscription(String filterKey) {
    return subscriptions == null ? null : subscriptions.get(filterKey);
  }

  // ---------------------------------------------------------------- delivery

  /**
   * A message matched this session's non-shared subscriptions {@code filterKeys}: one copy at the
   * highest granted QoS with every matching Subscription Identifier [MQTT-3.3.4-2] [MQTT-3.3.4-3];
   * the publisher stored it for this session as {@code seq} (0: not stored). On its loop.
   */
  public void deliver(Message message, List<String> filterKeys, long seq) {
    outbound().deliver(message, filterKeys, seq);
  }

  /** A message given to this session as the chosen member of a shared subscription group. */
  public void deliverShared(Message message, String filterKey, long seq) {
    outbound().deliverShared(message, filterKey, seq);
  }

  /**
   * The retained messages a new subscription brings, RETAIN set [MQTT-3.3.1-8]: every one is sent
   * [MQTT-3.3.1-6], ahead of what is queued, as fast as the connection takes them (not through the
   * bounded queue, so none is dropped for room). On the session's loop.
   */
  public void deliverRetained(List<Message> messages, SubscriptionEntry e) {
    if (!messages.isEmpty()) {
      outbound().deliverRetained(messages, e);
    }
  }

  /** Sends queued messages while the socket is writable and the in-flight window has room. */
  public void drain() {
    if (outbound != null) {
      outbound.drain();
    }
  }

  /**
   * The messages in flight to the client, by packet id: where the client's PUBACK, PUBREC and
   * PUBCOMP go [MQTT-4.3.2], [MQTT-4.3.3]. On the session's loop.
   */
  public InflightWindow inflight() {
    return outbound().window();
  }

  /** Drops queued messages that have expired (housekeeping for sessions that stay offline). */
  public void purgeExpired() {
    if (outbound != null) {
      outbound.purgeExpired();
    }
  }

  /** Deletes the stored copy {@code seq} (0: none) of a message this session no longer keeps. */
  void forget(long seq) {
    if (seq != 0 && broker.journal() != null && !unloaded) {
      broker.journal().append(new Change.DeleteMessage(clientId(), seq, hub()));
    }
  }

  /** The attached connection, or null. */
  SessionConnection connection() {
    return connection;
  }

  /**
   * Whether {@code conn} is the connection attached now: for a connection that is not on a socket
   * of its own (the HTTP device API), whose work reaches the session through its mailbox. On the
   * session's loop.
   */
  public boolean isAttachedTo(SessionConnection conn) {
    return connection == conn;
  }

  /** Whether a connection is on its way in (attached once its turn on the loop comes). */
  boolean isJoining() {
    return joining != null;
  }

  /** What it sends, made now if it has had nothing to send. */
  OutboundQueue outbound() {
    if (outbound == null) {
      outbound = new OutboundQueue(this);
    }
    return outbound;
  }

  // ---------------------------------------------------------------- QoS 2 receive state

  /** The QoS 2 packet ids received from the client and not yet released. */
  public AwaitingPubrel awaitingPubrel() {
    if (awaitingPubrel == null) {
      awaitingPubrel = new AwaitingPubrel(this);
    }
    return awaitingPubrel;
  }

  // ---------------------------------------------------------------- introspection

  /** Counts a message dropped for this session (see {@link #drops()}). From any thread. */
  void countDrop() {
    DROPS.getAndAdd(this, 1);
  }

  /** Messages dropped for this session since it began on this server. Safe from any thread. */
  public long drops() {
    return Integer.toUnsignedLong(drops);
  }

  /**
   * What the session holds, read on its loop for administrators, from any thread; completes with
   * null when the session has ended meanwhile.
   */
  public CompletableFuture<SessionSnapshot> inspect() {
    CompletableFuture<SessionSnapshot> result = new CompletableFuture<>();
    execute(
        () -> {
          completeJoin(); // a connection on its way in counts as attached
          result.complete(ended ? null : SessionSnapshot.of(this));
        });
    return result;
  }

  /** When its last connection ended, epoch milliseconds; -1 while one is attached. */
  long disconnectedAtMillis() {
    return absence == null ? -1 : absence.sinceMillis();
  }

  long expirySeconds() {
    return expirySeconds;
  }

  /** The will it holds, or null. */
  PendingWill pendingWill() {
    return will == null ? null : will.pending();
  }

  public int inflightCount() {
    return outbound == null ? 0 : outbound.inflightCount();
  }

  public int queuedCount() {
    return outbound == null ? 0 : outbound.queuedCount();
  }

  public long queuedBytes() {
    return outbound == null ? 0 : outbound.queuedBytes();
  }
}
