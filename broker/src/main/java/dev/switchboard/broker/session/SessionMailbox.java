package dev.switchboard.broker.session;

import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.mqtt.LogSafe;
import io.netty.channel.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work handed to a session from any thread, run in order on the session's loop. One queue per
 * session (rather than the loop's own) keeps the order of the tasks when the session moves to
 * another loop: what was handed to it before the move still runs before what comes after.
 *
 * <p>Two kinds of work share the queue, and so their order. Control tasks ({@link #execute}): a
 * takeover, a timer, a lost connection, a commit completion; a few per session, never refused.
 * Deliveries ({@link #offer}): copies of messages routed to the session by publishers on other
 * loops, as many as the publishers send. Deliveries are counted, in messages and in bytes, from the
 * moment they are offered until the loop takes them to run; at the bound a new one is refused and
 * dropped (see {@link #offer}).
 *
 * <p>Deliveries have two bounds. The first is the session's own: {@code max-inflight +
 * max-queued-messages} deliveries (what the session itself holds at most: its in-flight window and
 * its queue) or {@code max-queued-bytes} bytes ({@link
 * dev.switchboard.broker.message.Message#weight()}). Past it an offer still succeeds, but tells the
 * publisher to wait: its connection stops reading until the mailbox has drained to half of it
 * ({@link #whenRoom}), which is how publishers that outrun a subscriber's loop are slowed instead
 * of losing messages. The second, {@link #HARD_FACTOR} times the first, is never passed: a delivery
 * that would pass it is dropped, counted and its stored copy deleted. The room between the two is
 * for what publishers had already read when they were told to wait. A delivery heavier than the
 * byte bound is still taken when nothing else waits, so that a small byte bound cannot stop every
 * delivery: the session's queue then decides, as it does for its own.
 */
final class SessionMailbox {
  private static final Logger log = LoggerFactory.getLogger(SessionMailbox.class);

  /**
   * The hard bound on waiting deliveries, as a multiple of the soft one: room for what every
   * publisher had read when it was told to wait (a read is 64 KiB at most: a thousand small
   * messages).
   */
  static final int HARD_FACTOR = 8;

  /** Tasks run in one turn of the loop at most; the rest in a turn of their own. */
  private static final int BATCH = 1024;

  /** A full mailbox is logged at most this often per session; every drop is counted. */
  private static final int DROP_LOG_INTERVAL_SECONDS = 10;

  // The broker's configuration and metrics are reached through the session: no references of its
  // own, as every byte of a session is multiplied by the number of connections.
  private final Session session;

  /**
   * The tasks waiting; null until the first that cannot run at once (a session whose work all comes
   * from its own loop never has one). Made once, by whoever offers first, through TASKS.
   */
  private volatile Queue<Runnable> tasks;

  /** Publishers waiting for room; null until the first (most sessions never have one). */
  private volatile Queue<Runnable> roomWaiters;

  /** The owning loop. Written only by the owning loop when the session moves; read by anyone. */
  private volatile EventLoop loop;

  /** 1 while a run of the mailbox is scheduled; fields and VarHandles, not atomics: see below. */
  @SuppressWarnings("unused") // accessed through SCHEDULED
  private volatile int scheduled;

  /**
   * Deliveries offered and not yet counted out; through WAITING. The loop counts out what it ran at
   * the end of each run, so between runs this is exact, and during one it is high by what the run
   * took so far (the bound errs on the safe side).
   */
  @SuppressWarnings("unused") // accessed through WAITING
  private volatile int waiting;

  /** The weight of those deliveries. */
  @SuppressWarnings("unused") // accessed through WAITING_BYTES
  private volatile long waitingBytes;

  /**
   * When a full mailbox was last logged, in whole seconds of {@link System#nanoTime()} (an int, 4
   * bytes less per session; differences stay right as it wraps), 0 for never.
   */
  @SuppressWarnings("unused") // accessed through LAST_DROP_LOG
  private volatile int lastDropLogSeconds;

  // Plain fields with VarHandles rather than Atomic* objects: a mailbox per session, and every
  // byte of it is multiplied by the number of connections.
  private static final VarHandle TASKS;
  private static final VarHandle SCHEDULED;
  private static final VarHandle WAITING;
  private static final VarHandle WAITING_BYTES;
  private static final VarHandle LAST_DROP_LOG;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      TASKS = lookup.findVarHandle(SessionMailbox.class, "tasks", Queue.class);
      SCHEDULED = lookup.findVarHandle(SessionMailbox.class, "scheduled", int.class);
      WAITING = lookup.findVarHandle(SessionMailbox.class, "waiting", int.class);
      WAITING_BYTES = lookup.findVarHandle(SessionMailbox.class, "waitingBytes", long.class);
      LAST_DROP_LOG = lookup.findVarHandle(SessionMailbox.class, "lastDropLogSeconds", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  SessionMailbox(Session session, EventLoop loop) {
    this.session = session;
    this.loop = loop;
  }

  private BrokerConfig config() {
    return session.broker().config();
  }

  private BrokerMetrics metrics() {
    return session.broker().metrics();
  }

  /** Whether no task waits (safe from any thread). */
  private boolean nothingWaits() {
    Queue<Runnable> q = tasks;
    return q == null || q.isEmpty();
  }

  /** The tasks' queue, made by the first caller that needs it (safe from any thread). */
  private Queue<Runnable> tasks() {
    Queue<Runnable> q = tasks;
    if (q == null) {
      Queue<Runnable> fresh = new ConcurrentLinkedQueue<>();
      q = TASKS.compareAndSet(this, null, fresh) ? fresh : tasks;
    }
    return q;
  }

  EventLoop loop() {
    return loop;
  }

  /**
   * The session now belongs to {@code next}: on the old loop, by the task that moves it. Tasks that
   * land on the old loop afterwards follow it.
   */
  void moveTo(EventLoop next) {
    loop = next;
  }

  /** See {@link Session#execute}. */
  void execute(Runnable task) {
    if (loop.inEventLoop() && nothingWaits()) {
      runSafely(task);
      return;
    }
    tasks().offer(task);
    schedule();
  }

  /**
   * See {@link Session#offer}: {@code delivery} runs at once when the session's loop is this one
   * and nothing waits; else it waits its turn, counted, unless the hard bound is reached.
   */
  boolean offer(Delivery delivery) {
    if (loop.inEventLoop() && nothingWaits()) {
      runSafely(delivery); // nothing waits: it never counts against the bound
      return false;
    }
    if (!reserve(delivery.message.weight())) {
      dropped(delivery.storedSeq);
      return true;
    }
    tasks().offer(delivery);
    schedule();
    return isFull();
  }

  /** Whether the deliveries waiting have reached the soft bound: publishers should wait. */
  boolean isFull() {
    return waiting >= softMessages() || waitingBytes >= config().maxQueuedBytes();
  }

  private boolean hasRoom() {
    return waiting < softMessages() / 2 && waitingBytes < config().maxQueuedBytes() / 2;
  }

  private long softMessages() {
    return (long) config().maxInflight() + config().maxQueuedMessages();
  }

  /**
   * Runs {@code resume} once the waiting deliveries are down to half the soft bound: at once if
   * they are, else on the session's loop when it has run them (so {@code resume} only hands work to
   * its own loop).
   */
  void whenRoom(Runnable resume) {
    Queue<Runnable> waiters = roomWaiters;
    if (waiters == null) {
      synchronized (this) {
        waiters = roomWaiters;
        if (waiters == null) {
          waiters = new ConcurrentLinkedQueue<>();
          roomWaiters = waiters;
        }
      }
    }
    waiters.add(resume);
    if (hasRoom()) {
      releaseWaiters(); // the loop may have looked before this waiter was added
    }
  }

  private void releaseWaiters() {
    Queue<Runnable> waiters = roomWaiters;
    if (waiters == null) {
      return;
    }
    Runnable r;
    while ((r = waiters.poll()) != null) {
      runSafely(r);
    }
  }

  /** Deliveries waiting for the loop (safe from any thread). */
  int waitingDeliveries() {
    return waiting;
  }

  /** Their weight (safe from any thread). */
  long waitingBytes() {
    return waitingBytes;
  }

  /**
   * Counts a delivery of {@code weight} in, unless that would take the waiting deliveries past the
   * hard bound. One atomic add per count (no compare-and-set loop on the publish path), taken back
   * when it went past: a concurrent offer may then see the bound reached for that instant and be
   * refused, but the bound is never exceeded once the adds settle, and the counts are exact.
   */
  private boolean reserve(long weight) {
    long maxMessages = softMessages() * HARD_FACTOR;
    long maxBytes = config().maxQueuedBytes() * HARD_FACTOR;
    int count = (int) WAITING.getAndAdd(this, 1) + 1;
    if (count > maxMessages) {
      WAITING.getAndAdd(this, -1);
      return false;
    }
    long bytes = (long) WAITING_BYTES.getAndAdd(this, weight) + weight;
    if (bytes > maxBytes && count > 1) {
      WAITING_BYTES.getAndAdd(this, -weight);
      WAITING.getAndAdd(this, -1);
      return false;
    }
    return true;
  }

  /**
   * A delivery refused at the bound: its stored copy goes (nobody will deliver it), and the drop is
   * counted and, now and then, logged. On the offering thread.
   */
  private void dropped(long storedSeq) {
    session.forget(storedSeq);
    metrics().publishDroppedMailboxFull.increment();
    session.countDrop();
    int now = (int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime());
    int last = (int) LAST_DROP_LOG.getVolatile(this);
    // whole seconds: more than the interval apart means at least the interval apart
    if ((last == 0 || now - last > DROP_LOG_INTERVAL_SECONDS)
        && LAST_DROP_LOG.compareAndSet(this, last, now == 0 ? 1 : now)) {
      log.warn(
          "session {}: mailbox full ({} deliveries, {} bytes wait for its event loop, past what"
              + " its paused publishers can add): new deliveries are dropped until the loop"
              + " catches up; {} dropped so far by all sessions (logged at most every 10 s per"
              + " session)",
          LogSafe.text(session.clientId()),
          waiting,
          waitingBytes,
          metrics().publishDroppedMailboxFull.sum());
    }
  }

  private void schedule() {
    if (SCHEDULED.compareAndSet(this, 0, 1)) {
      loop.execute(this::run);
    }
  }

  private void run() {
    EventLoop current = loop;
    if (!current.inEventLoop()) {
      current.execute(this::run); // moved since this run was scheduled
      return;
    }
    // Deliveries taken are counted out once per run, not one by one: two atomic adds a batch
    Queue<Runnable> tasks = this.tasks; // made before this run was scheduled
    int taken = 0;
    long takenBytes = 0;
    for (int i = 0; i < BATCH; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        break;
      }
      if (task instanceof Delivery d) {
        taken++;
        takenBytes += d.message.weight();
      }
      runSafely(task);
      if (loop != current) {
        countOut(taken, takenBytes);
        loop.execute(this::run); // the task moved the session: the rest follow it
        return;
      }
    }
    countOut(taken, takenBytes);
    Queue<Runnable> waiters = roomWaiters;
    if (waiters != null && !waiters.isEmpty() && hasRoom()) {
      releaseWaiters();
    }
    scheduled = 0;
    if (!tasks.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
      loop.execute(this::run);
    }
  }

  private void countOut(int taken, long takenBytes) {
    if (taken > 0) {
      WAITING.getAndAdd(this, -taken);
      WAITING_BYTES.getAndAdd(this, -takenBytes);
    }
  }

  private void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("session {}: a task failed", LogSafe.text(session.clientId()), e);
    }
  }
}
