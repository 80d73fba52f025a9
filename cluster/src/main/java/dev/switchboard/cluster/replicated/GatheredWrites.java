package dev.switchboard.cluster.replicated;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ReplicatedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's changes to entries of replicated maps, written as one update per key straight to every
 * node ({@code WriteAll}) rather than left to gossip, so that they reach the other nodes in tens of
 * milliseconds. A change that comes when nothing was written for {@code gather} is written at once,
 * with whatever else is in the actor's mailbox by then; one that comes sooner waits for the rest of
 * that interval, gathering the changes after it, so that a burst costs a few updates rather than
 * one each (an update of a map of Pekko's carries its whole state to every node). Per entry only
 * the last change counts. An update that does not reach every node in time is not retried: it is
 * applied here, and gossip carries it.
 *
 * <p>Belongs to one actor and is used from its thread only: the actor hands its {@code flush}
 * command and its update responses back to {@link #flush()} and {@link #written}.
 *
 * @param <C> the actor's command type
 * @param <D> the replicated data
 * @param <V> a change to one entry (null is allowed, for whatever the caller means by it)
 */
public final class GatheredWrites<C, D extends ReplicatedData, V> {
  private static final Logger log = LoggerFactory.getLogger(GatheredWrites.class);

  /** Applies one entry's change to the data. */
  @FunctionalInterface
  public interface Apply<D, V> {
    D apply(D data, String entry, V change);
  }

  private final String what;
  private final Duration gather;
  private final Duration writeTimeout;
  private final D empty;
  private final Apply<D, V> apply;
  private final ReplicatorMessageAdapter<C, D> replicator;
  private final TimerScheduler<C> timers;
  private final ActorRef<C> self;
  private final C flushCommand;
  private final Function<Replicator.UpdateResponse<D>, C> written;
  private final Map<Key<D>, Map<String, V>> pending = new LinkedHashMap<>();
  private boolean flushComing;
  private long lastFlush;

  /**
   * @param what what the entries are, for the log ("route", "will")
   * @param gather the least time between two writes
   * @param writeTimeout how long a write waits for every node's answer
   * @param empty the data of a key never written
   * @param apply applies a change
   * @param replicator the actor's adapter to the replicator
   * @param timers the actor's timers (the key {@code flushCommand} is this object's)
   * @param self the actor
   * @param flushCommand what the actor hands to {@link #flush()}
   * @param written wraps an update's response for the actor, which hands it to {@link #written}
   */
  public GatheredWrites(
      String what,
      Duration gather,
      Duration writeTimeout,
      D empty,
      Apply<D, V> apply,
      ReplicatorMessageAdapter<C, D> replicator,
      TimerScheduler<C> timers,
      ActorRef<C> self,
      C flushCommand,
      Function<Replicator.UpdateResponse<D>, C> written) {
    this.what = what;
    this.gather = gather;
    this.writeTimeout = writeTimeout;
    this.empty = empty;
    this.apply = apply;
    this.replicator = replicator;
    this.timers = timers;
    this.self = self;
    this.flushCommand = flushCommand;
    this.written = written;
    this.lastFlush = System.nanoTime() - gather.toNanos();
  }

  /** Changes {@code entry} of {@code key}: written with the next update of that key. */
  public void change(Key<D> key, String entry, V change) {
    pending.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(entry, change);
    if (flushComing) {
      return;
    }
    flushComing = true;
    long wait = gather.toNanos() - (System.nanoTime() - lastFlush);
    if (wait <= 0) {
      // behind whatever the mailbox holds already: a burst's changes go in one update
      self.tell(flushCommand);
    } else {
      timers.startSingleTimer(flushCommand, flushCommand, Duration.ofNanos(wait));
    }
  }

  /** Writes what was gathered: one update per key. */
  public void flush() {
    flushComing = false;
    lastFlush = System.nanoTime();
    for (var e : pending.entrySet()) {
      Map<String, V> changes = e.getValue();
      replicator.askUpdate(
          replyTo ->
              new Replicator.Update<>(
                  e.getKey(),
                  empty,
                  new Replicator.WriteAll(writeTimeout),
                  replyTo,
                  data -> applyAll(data, changes)),
          written);
    }
    pending.clear();
  }

  private D applyAll(D data, Map<String, V> changes) {
    D d = data;
    for (var c : changes.entrySet()) {
      d = apply.apply(d, c.getKey(), c.getValue());
    }
    return d;
  }

  /** Takes an update's response: a timeout is gossip's to finish; a failure is logged. */
  public void written(Replicator.UpdateResponse<D> response) {
    if (response instanceof Replicator.UpdateTimeout<?> t) {
      log.debug("{} update {} did not reach every node in time; gossip carries it", what, t.key());
    } else if (!(response instanceof Replicator.UpdateSuccess<?>)) {
      log.warn("{} update failed: {}", what, response);
    }
  }
}
