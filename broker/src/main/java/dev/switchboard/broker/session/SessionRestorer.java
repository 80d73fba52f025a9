package dev.switchboard.broker.session;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.Stored;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.persist.StoredSubscription;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the broker's stored state at start, before the listeners open: retained messages, then
 * every persistent session on a loop of its own (offline until its client comes back), then their
 * timers. Starts the journal, numbering new messages after the stored ones.
 *
 * <p>On a cluster node the journal {@linkplain Journal#holder() holds sessions for a node}: a start
 * restores only the sessions that node holds, and {@link #takeOver} rebuilds, while the broker
 * runs, sessions that come from another node (a client that reconnects here, or the sessions of a
 * node that died).
 */
public final class SessionRestorer {
  private static final Logger log = LoggerFactory.getLogger(SessionRestorer.class);

  private final BrokerServices broker;
  private final EventLoopGroup loops;
  private final Journal journal;

  /**
   * @param broker the broker's services: its journal (which must not be started yet for {@link
   *     #restore}), retained store, session registry and subscription index receive what is
   *     restored
   * @param loops the event loops the restored sessions are spread over
   */
  public SessionRestorer(BrokerServices broker, EventLoopGroup loops) {
    this.broker = broker;
    this.loops = loops;
    this.journal = broker.journal();
  }

  /**
   * Loads the store and rebuilds from it: retained messages, then every persistent session (of this
   * node, on a cluster node), then their timers, once all are back so that a will published at once
   * finds every subscriber. What expired while the broker was down is dropped from the store, and
   * so are rows of sessions that are not stored. Returns once every session is back; their timers
   * start on their loops.
   */
  public void restore() {
    String holder = journal.holder();
    StoredState state = holder == null ? journal.store().load() : journal.store().load(holder);
    long nowMillis = System.currentTimeMillis();
    journal.start(maxSeq(state));
    int retainedCount = 0;
    for (StoredMessage r : state.retained()) {
      if (r.expiresAtMillis() != 0 && r.expiresAtMillis() <= nowMillis) {
        journal.append(new Change.DeleteRetained(r.topic(), r.hub()));
      } else {
        broker.spaces().of(r.hub()).retained().put(Stored.message(r));
        retainedCount++;
      }
    }
    Rows rows = Rows.of(state);
    List<Session> restored = rebuild(state, rows, false);
    // Rows of sessions that are not stored (a crash between a session's end and its messages')
    Set<Key> orphans = new LinkedHashSet<>(rows.messages.keySet());
    orphans.addAll(rows.awaiting.keySet());
    // with unusable filters too
    state.subscriptions().forEach(s -> orphans.add(new Key(s.hub(), s.clientId())));
    state.sessions().forEach(s -> orphans.remove(new Key(s.hub(), s.clientId())));
    for (Key id : orphans) {
      journal.append(new Change.DeleteSession(id.clientId(), id.hub()));
    }
    for (Session s : restored) {
      s.execute(s::resumeTimers);
    }
    boolean anything = !state.sessions().isEmpty() || retainedCount > 0;
    // an empty store is the usual first start: nothing worth a line before the listener's
    (anything ? log.atInfo() : log.atDebug())
        .log(
            "{}: restored {} sessions, {} queued messages, {} retained messages{}",
            journal.store().describe(),
            state.sessions().size(),
            state.messages().size(),
            retainedCount,
            holder == null ? "" : " (the sessions node " + holder + " holds)");
  }

  /**
   * Rebuilds, while the broker runs, the stored sessions of {@code state} that another cluster node
   * held, and makes this node their holder in the store; a session of an id this node has already
   * is left out. Their wills and expiries run as after a restart: a client that was connected when
   * its node died lost its connection then (a connection that attaches at once stops a will that
   * waits for its delay). Blocks until they are back: not on an event loop.
   *
   * @return the sessions rebuilt, in the registry already
   */
  public List<Session> takeOver(StoredState state) {
    journal.numberAbove(maxSeq(state));
    List<Session> restored = rebuild(state, Rows.of(state), true);
    for (Session s : restored) {
      journal.append(new Change.HoldSession(s.clientId(), s.hub(), journal.holder()));
      s.execute(s::resumeTimers);
    }
    return restored;
  }

  private static long maxSeq(StoredState state) {
    long max = 0;
    for (QueuedMessage q : state.messages()) {
      max = Math.max(max, q.seq());
    }
    return max;
  }

  /**
   * Every stored session of {@code state}, each on a loop of its own and in the registry; returns
   * once all are rebuilt. At run time ({@code adopting}) a session of an id the registry has
   * already is left out.
   */
  private List<Session> rebuild(StoredState state, Rows rows, boolean adopting) {
    List<Session> restored = new ArrayList<>();
    List<Future<?>> done = new ArrayList<>();
    for (StoredSession stored : state.sessions()) {
      Key id = new Key(stored.hub(), stored.clientId());
      // a session keeps its hub across a restart: its subscriptions go back into its hub's space
      Session s = new Session(stored.hub(), stored.clientId(), loops.next(), broker);
      if (adopting && !broker.sessions().adopted(s)) {
        continue;
      }
      done.add(
          s.executor()
              .submit(
                  () ->
                      restore(
                          s,
                          stored,
                          rows.subscriptions.getOrDefault(id, List.of()),
                          rows.messages.getOrDefault(id, List.of()),
                          rows.awaiting.getOrDefault(id, List.of()))));
      if (!adopting) {
        broker.sessions().restored(s);
      }
      restored.add(s);
    }
    for (Future<?> f : done) {
      f.syncUninterruptibly();
    }
    return restored;
  }

  /** A session's identity in the store. */
  private record Key(String hub, String clientId) {}

  /** The stored rows of each session. */
  private record Rows(
      Map<Key, List<SubscriptionEntry>> subscriptions,
      Map<Key, List<QueuedMessage>> messages,
      Map<Key, List<Integer>> awaiting) {

    static Rows of(StoredState state) {
      Map<Key, List<QueuedMessage>> messages = new HashMap<>();
      for (QueuedMessage q : state.messages()) {
        messages.computeIfAbsent(new Key(q.hub(), q.clientId()), k -> new ArrayList<>()).add(q);
      }
      Map<Key, List<SubscriptionEntry>> subs = new HashMap<>();
      for (StoredSubscription s : state.subscriptions()) {
        SubscriptionEntry e = StoredForms.subscription(s);
        if (e != null) {
          subs.computeIfAbsent(new Key(s.hub(), s.clientId()), k -> new ArrayList<>()).add(e);
        }
      }
      Map<Key, List<Integer>> awaiting = new HashMap<>();
      for (Change.AwaitPubrel a : state.awaitingPubrel()) {
        awaiting
            .computeIfAbsent(new Key(a.hub(), a.clientId()), k -> new ArrayList<>())
            .add(a.packetId());
      }
      return new Rows(subs, messages, awaiting);
    }
  }

  /**
   * Rebuilds a stored session, offline, as if its connection had just ended (or ended at {@code
   * stored.disconnectedAtMillis()}): subscriptions indexed, messages queued and in flight in their
   * order with their packet ids, QoS 2 packet ids awaiting PUBREL. Runs on the session's loop
   * before the broker listens (or before a session taken over is used); {@link
   * Session#resumeTimers} follows once every session is back.
   */
  private static void restore(
      Session s,
      StoredSession stored,
      List<SubscriptionEntry> subs,
      List<QueuedMessage> messages,
      List<Integer> awaiting) {
    s.restoreStored(
        stored.expirySeconds(),
        StoredForms.will(stored.will()),
        subs,
        stored.disconnectedAtMillis());
    OutboundQueue outbound = messages.isEmpty() ? null : s.outbound(); // none for no messages
    long now = System.nanoTime();
    for (QueuedMessage q : messages) {
      Message m = Stored.message(q.message());
      Outbound o;
      if (q.shared()) {
        SubscriptionEntry e =
            q.filterKeys().isEmpty() ? null : s.subscription(q.filterKeys().get(0));
        o = e == null ? null : OutboundQueue.sharedCopy(m, e);
      } else {
        o = outbound.copyFor(m, q.filterKeys());
      }
      if (o == null || o.qos == 0 || m.isExpired(now)) {
        s.forget(q.seq()); // its subscription is gone, or it expired while the broker was down
        continue;
      }
      o.seq = q.seq();
      if (q.phase() == QueuedMessage.QUEUED || q.packetId() == 0) {
        outbound.restoreQueued(o);
      } else {
        outbound.window().restore(o, q.packetId(), Outbound.Phase.values()[Math.min(q.phase(), 3)]);
      }
    }
    for (int id : awaiting) {
      s.awaitingPubrel().add(id);
    }
  }
}
