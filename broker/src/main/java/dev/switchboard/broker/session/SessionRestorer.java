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
 */
public final class SessionRestorer {
  private static final Logger log = LoggerFactory.getLogger(SessionRestorer.class);

  private final BrokerServices broker;
  private final EventLoopGroup loops;
  private final Journal journal;

  /**
   * @param broker the broker's services: its journal (which must not be started yet), retained
   *     store, session registry and subscription index receive what is restored
   * @param loops the event loops the restored sessions are spread over
   */
  public SessionRestorer(BrokerServices broker, EventLoopGroup loops) {
    this.broker = broker;
    this.loops = loops;
    this.journal = broker.journal();
  }

  /**
   * Loads the store and rebuilds from it: retained messages, then every persistent session, then
   * their timers, once all are back so that a will published at once finds every subscriber. What
   * expired while the broker was down is dropped from the store, and so are rows of sessions that
   * are not stored. Returns once every session is back; their timers start on their loops.
   */
  public void restore() {
    StoredState state = journal.store().load();
    long nowMillis = System.currentTimeMillis();
    Map<Key, List<QueuedMessage>> messages = new HashMap<>();
    long maxSeq = 0;
    for (QueuedMessage q : state.messages()) {
      messages.computeIfAbsent(new Key(q.hub(), q.clientId()), k -> new ArrayList<>()).add(q);
      maxSeq = Math.max(maxSeq, q.seq());
    }
    journal.start(maxSeq);
    int retainedCount = 0;
    for (StoredMessage r : state.retained()) {
      if (r.expiresAtMillis() != 0 && r.expiresAtMillis() <= nowMillis) {
        journal.append(new Change.DeleteRetained(r.topic(), r.hub()));
      } else {
        broker.spaces().of(r.hub()).retained().put(Stored.message(r));
        retainedCount++;
      }
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
    List<Session> restored = new ArrayList<>();
    List<Future<?>> done = new ArrayList<>();
    for (StoredSession stored : state.sessions()) {
      Key id = new Key(stored.hub(), stored.clientId());
      // a session keeps its hub across a restart: its subscriptions go back into its hub's space
      Session s = new Session(stored.hub(), stored.clientId(), loops.next(), broker);
      done.add(
          s.executor()
              .submit(
                  () ->
                      restore(
                          s,
                          stored,
                          subs.getOrDefault(id, List.of()),
                          messages.getOrDefault(id, List.of()),
                          awaiting.getOrDefault(id, List.of()))));
      broker.sessions().restored(s);
      restored.add(s);
    }
    for (Future<?> f : done) {
      f.syncUninterruptibly();
    }
    // Rows of sessions that are not stored (a crash between a session's end and its messages')
    Set<Key> orphans = new LinkedHashSet<>(messages.keySet());
    orphans.addAll(awaiting.keySet());
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
            "{}: restored {} sessions, {} queued messages, {} retained messages",
            journal.store().describe(),
            state.sessions().size(),
            state.messages().size(),
            retainedCount);
  }

  /** A session's identity in the store. */
  private record Key(String hub, String clientId) {}

  /**
   * Rebuilds a stored session, offline, as if its connection had just ended (or ended at {@code
   * stored.disconnectedAtMillis()}): subscriptions indexed, messages queued and in flight in their
   * order with their packet ids, QoS 2 packet ids awaiting PUBREL. Runs on the session's loop
   * before the broker listens; {@link Session#resumeTimers} follows once every session is back.
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
