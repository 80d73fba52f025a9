package dev.switchboard.broker.persist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer between the event loops and the {@link DurableStore}. Loops append changes
 * (never blocking on the disk); one thread takes everything that has piled up since its last commit
 * and applies it as one transaction: one fsync for many messages of many sessions (group commit). A
 * {@link Completion} appended after some changes runs once they are committed, which is how an
 * acknowledgement waits for the disk in {@link Durability#STRICT} mode.
 *
 * <p>The queue of appends is bounded softly: appends never block or fail (an event loop must not
 * wait for a disk, and a session's own changes cannot be refused), but once {@link #isFull()} the
 * connections stop reading from their clients (the source of nearly every append) and ask to be
 * told with {@link #whenRoom} when the writer has brought it down to half the bound.
 *
 * <p>Within one transaction a message stored and deleted again (delivered and acknowledged before
 * the commit) is never written, and neither is a QoS 2 packet id awaited and released.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  /** Runs on the journal's thread: implementations hand the work to their own loop. */
  public interface Completion {
    void committed();

    void failed(StoreException e);
  }

  /** Items taken per transaction at most; what is left goes into the next one. */
  private static final int MAX_ITEMS_PER_COMMIT = 16_384;

  private static final Object STOP = new Object();
  private static final Object COMPACT = new Object();

  private final DurableStore store;
  private final Durability durability;
  private final long relaxedNanos;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final int bound;
  private final ConcurrentLinkedQueue<Runnable> roomWaiters = new ConcurrentLinkedQueue<>();
  private final AtomicLong seq = new AtomicLong();
  private final Thread writer;

  /** Transactions committed. */
  public final LongAdder commits = new LongAdder();

  /** Changes written (after coalescing). */
  public final LongAdder changesWritten = new LongAdder();

  /** Transactions that failed (and were rolled back). */
  public final LongAdder failures = new LongAdder();

  /** Times a reader was told there is room again after the journal was full. */
  public final LongAdder roomSignals = new LongAdder();

  /** Nanoseconds the store took over the transactions committed (for the mean commit latency). */
  public final LongAdder commitNanos = new LongAdder();

  /**
   * The cluster node whose sessions this journal writes (its {@code node-name}), or null on a
   * single broker: a session it stores is held by that node. Set before {@link #start}.
   */
  private volatile String holder;

  /** Whether the last transaction failed: the store is failing until one commits again. */
  private volatile boolean failing;

  private long lastFailureLogNanos;

  /**
   * A failed commit whose changes no completion has been told about yet (writer thread only): the
   * changes and the completion appended after them may be taken into different transactions.
   */
  private StoreException unreported;

  public Journal(Persistence persistence) {
    if (!persistence.enabled()) {
      throw new IllegalArgumentException("no store");
    }
    this.store = persistence.store();
    this.durability = persistence.durability();
    this.relaxedNanos = persistence.relaxedInterval().toNanos();
    this.bound = persistence.journalBound();
    this.writer = new Thread(this::run, "switchboard-journal");
    this.writer.setDaemon(true);
  }

  /** Starts writing; {@code lastSeq} is the highest message number already stored. */
  public void start(long lastSeq) {
    seq.set(lastSeq);
    writer.start();
  }

  public DurableStore store() {
    return store;
  }

  /**
   * Makes this journal write for the cluster node {@code node}: the sessions it stores are held by
   * that node, and a restart restores only those. Before the broker starts.
   */
  public void holdSessionsAs(String node) {
    this.holder = node;
  }

  /** The cluster node whose sessions this journal writes; null on a single broker. */
  public String holder() {
    return holder;
  }

  /** Whether acknowledgements wait for the commit. */
  public boolean strict() {
    return durability == Durability.STRICT;
  }

  /** A new message number: a session's messages are restored in this order. */
  public long nextSeq() {
    return seq.incrementAndGet();
  }

  /**
   * Numbers new messages above {@code storedSeq} from now on: a session taken over from another
   * cluster node brings messages that node numbered, and the ones it gets here must come after
   * them.
   */
  public void numberAbove(long storedSeq) {
    seq.accumulateAndGet(storedSeq, Math::max);
  }

  public void append(Change change) {
    queue.add(change);
  }

  /** Appends changes that are committed together or not at all. */
  public void appendAll(List<Change> unit) {
    if (unit.size() == 1) {
      queue.add(unit.get(0));
    } else if (!unit.isEmpty()) {
      queue.add(unit.toArray(new Change[0]));
    }
  }

  /**
   * Runs {@code completion} once every change appended before this call (by this thread, or by
   * threads whose appends this one has seen) is committed; at once unless {@link #strict()}.
   */
  public void whenCommitted(Completion completion) {
    if (strict()) {
      queue.add(completion);
    } else {
      completion.committed();
    }
  }

  /** Asks for {@link DurableStore#compact()} after the next commit. */
  public void compactSoon() {
    queue.add(COMPACT);
  }

  /** Whether the last transaction failed (safe from any thread): the store is failing. */
  public boolean failing() {
    return failing;
  }

  /** Appends waiting for the writer (for metrics). */
  public int backlog() {
    return queue.size();
  }

  /** The bound of {@link #backlog()} past which readers pause. */
  public int bound() {
    return bound;
  }

  /** Whether the appends waiting for the store have reached the bound: readers should pause. */
  public boolean isFull() {
    return queue.size() >= bound;
  }

  /**
   * Runs {@code resume} once the backlog is below half the bound: at once if it is already, else on
   * the writer's thread after the commit that brings it there (so {@code resume} only hands work to
   * its own loop).
   */
  public void whenRoom(Runnable resume) {
    roomWaiters.add(resume);
    if (queue.size() < bound / 2) {
      releaseRoomWaiters(); // the writer may have looked before this waiter was added
    }
  }

  private void releaseRoomWaiters() {
    Runnable r;
    while ((r = roomWaiters.poll()) != null) {
      roomSignals.increment();
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("a journal room waiter failed", e);
      }
    }
  }

  /** Commits what is waiting and stops the writer; the store stays open (its owner closes it). */
  @Override
  public void close() {
    if (!writer.isAlive()) {
      return;
    }
    queue.add(STOP);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      log.warn("store writer still busy after 30 s; {} changes not written", queue.size());
    }
  }

  // ---------------------------------------------------------------- the writer thread

  private void run() {
    List<Object> items = new ArrayList<>();
    Batch batch = new Batch();
    List<Completion> waiting = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        Object first = queue.take();
        if (durability == Durability.RELAXED && first != STOP) {
          // Let changes pile up for the interval: one commit for all of them.
          long until = System.nanoTime() + relaxedNanos;
          long left;
          while ((left = until - System.nanoTime()) > 0 && !queue.contains(STOP)) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
          }
        }
        items.add(first);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(items, MAX_ITEMS_PER_COMMIT - 1);
      boolean compact = false;
      boolean changesAfterLastCompletion = false;
      for (Object item : items) {
        switch (item) {
          case Change c -> {
            batch.add(c);
            changesAfterLastCompletion = true;
          }
          case Change[] unit -> {
            for (Change c : unit) {
              batch.add(c);
            }
            changesAfterLastCompletion = true;
          }
          case Completion c -> {
            waiting.add(c);
            changesAfterLastCompletion = false;
          }
          default -> {
            if (item == STOP) {
              stop = queue.isEmpty();
              if (!stop) {
                queue.add(STOP); // stop after what arrived behind it
              }
            } else if (item == COMPACT) {
              compact = true;
            }
          }
        }
      }
      items.clear();
      StoreException failure = commit(batch.changes());
      batch.clear();
      // A completion fails when changes before it failed, in this transaction or in one before it
      // that had no completion after its changes
      StoreException outcome = failure != null ? failure : unreported;
      if (failure != null && changesAfterLastCompletion) {
        unreported = failure;
      } else if (!waiting.isEmpty()) {
        unreported = null;
      }
      for (Completion c : waiting) {
        try {
          if (outcome == null) {
            c.committed();
          } else {
            c.failed(outcome);
          }
        } catch (RuntimeException e) {
          log.error("a commit completion failed", e);
        }
      }
      waiting.clear();
      if (!roomWaiters.isEmpty() && queue.size() < bound / 2) {
        releaseRoomWaiters();
      }
      if (compact && failure == null) {
        try {
          store.compact();
        } catch (RuntimeException e) {
          log.warn("{}: compaction failed: {}", store.describe(), e.getMessage());
        }
      }
    }
  }

  private StoreException commit(List<Change> changes) {
    if (changes.isEmpty()) {
      return null;
    }
    long started = System.nanoTime();
    try {
      store.apply(changes);
      commitNanos.add(System.nanoTime() - started);
      commits.increment();
      changesWritten.add(changes.size());
      failing = false;
      return null;
    } catch (StoreException e) {
      failing = true;
      failures.increment();
      logFailure(e);
      return e;
    } catch (RuntimeException e) {
      failing = true;
      failures.increment();
      StoreException wrapped =
          new StoreException(StoreException.Kind.OTHER, store.describe() + ": " + e, e);
      logFailure(wrapped);
      return wrapped;
    }
  }

  private void logFailure(StoreException e) {
    long now = System.nanoTime();
    if (now - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(10) || lastFailureLogNanos == 0) {
      lastFailureLogNanos = now;
      log.error(
          "{}: commit failed ({}): {}; acknowledgements waiting for it are refused",
          store.describe(),
          e.kind(),
          e.getMessage());
    }
  }

  /**
   * One transaction's changes, with what cancels out taken out: a message put and deleted, a packet
   * id awaited and released; updates of a message put in the same transaction folded into the put;
   * an update of a message updated already in it replaces that one, and goes when the message is
   * deleted in it (a message sent and acknowledged between two commits: otherwise a run of updates
   * and deletes alternates, which the store cannot write as batches).
   */
  private static final class Batch {
    private final List<Change> changes = new ArrayList<>();
    private final Map<Long, Integer> puts = new HashMap<>();
    private final Map<Long, Integer> updates = new HashMap<>();
    private final Map<PubrelKey, Integer> awaits = new HashMap<>();
    private int cancelled;

    private record PubrelKey(String clientId, int packetId, String hub) {}

    /**
     * Whether the put at {@code at} is of the message {@code seq} of that session: numbers are
     * unique on one node, but a session taken over from another node brings that node's numbers.
     */
    private boolean putOf(Integer at, String clientId, String hub) {
      return at != null
          && changes.get(at) instanceof Change.PutMessage p
          && p.message().clientId().equals(clientId)
          && p.message().hub().equals(hub);
    }

    /** Whether the update at {@code at} is of that session's message (see {@link #putOf}). */
    private boolean updateOf(Integer at, String clientId, String hub) {
      return at != null
          && changes.get(at) instanceof Change.UpdateMessage u
          && u.clientId().equals(clientId)
          && u.hub().equals(hub);
    }

    void add(Change c) {
      switch (c) {
        case Change.PutMessage p -> {
          puts.put(p.message().seq(), changes.size());
          updates.remove(p.message().seq()); // what comes after the put goes after it
          changes.add(p);
        }
        case Change.UpdateMessage u -> {
          Integer at = puts.get(u.seq());
          Integer updated = updates.get(u.seq());
          if (putOf(at, u.clientId(), u.hub())) {
            Change.PutMessage p = (Change.PutMessage) changes.get(at);
            changes.set(at, new Change.PutMessage(p.message().withState(u.packetId(), u.phase())));
          } else if (updateOf(updated, u.clientId(), u.hub())) {
            changes.set(updated, u);
          } else {
            updates.put(u.seq(), changes.size());
            changes.add(u);
          }
        }
        case Change.DeleteMessage d -> {
          Integer at = puts.get(d.seq());
          Integer updated = updates.get(d.seq());
          if (putOf(at, d.clientId(), d.hub())) {
            puts.remove(d.seq());
            changes.set(at, null);
            cancelled++;
          } else {
            if (updateOf(updated, d.clientId(), d.hub())) {
              updates.remove(d.seq());
              changes.set(updated, null);
              cancelled++;
            }
            changes.add(d);
          }
        }
        case Change.AwaitPubrel a -> {
          awaits.put(new PubrelKey(a.clientId(), a.packetId(), a.hub()), changes.size());
          changes.add(a);
        }
        case Change.ReleasePubrel r -> {
          Integer at = awaits.remove(new PubrelKey(r.clientId(), r.packetId(), r.hub()));
          if (at != null) {
            changes.set(at, null);
            cancelled++;
          } else {
            changes.add(r);
          }
        }
        default -> changes.add(c);
      }
    }

    List<Change> changes() {
      if (cancelled == 0) {
        return changes;
      }
      List<Change> out = new ArrayList<>(changes.size());
      for (Change c : changes) {
        if (c != null) {
          out.add(c);
        }
      }
      return out;
    }

    void clear() {
      changes.clear();
      puts.clear();
      updates.clear();
      awaits.clear();
      cancelled = 0;
    }
  }
}
