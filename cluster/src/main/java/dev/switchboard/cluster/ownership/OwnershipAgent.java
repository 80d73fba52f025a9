package dev.switchboard.cluster.ownership;

import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionConnection;
import dev.switchboard.broker.session.SessionOwnership;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.cluster.wire.Claim;
import dev.switchboard.cluster.wire.Granted;
import dev.switchboard.cluster.wire.OwnerCommand;
import dev.switchboard.cluster.wire.OwnershipAgentCommand;
import dev.switchboard.cluster.wire.Release;
import dev.switchboard.cluster.wire.Released;
import dev.switchboard.mqtt.ReasonCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of session ownership, one actor, so that what happens to one client id here is
 * in the order the owner decided it: a claim is sent to the id's owner entity; once granted, the
 * connection goes to this node's {@link SessionRegistry} (which puts the session in its map before
 * it returns, so that a release handled after the grant finds it); a release ends the id's
 * connection (DISCONNECT 0x8E, session taken over; its will published unless the new connection
 * resumes a 5.0 session, as a takeover on one node) and unloads its session here (out of the
 * registry, its stored rows left for the next holder), and is answered once what that wrote is
 * committed, so that the new owner reads the session's last state from the shared store. A claim
 * not granted within {@link #CLAIM_TIMEOUT} (no cluster yet, no owner reachable) refuses the
 * connection with "identifier rejected".
 *
 * <p>A claim granted although some nodes did not answer its release (hung or dead) first has the
 * will of the id's connection there published ({@link LostWills}), as a takeover publishes the old
 * connection's will before the new one is in. A granted claim that does not start clean, for a
 * client id this node has no session of, first brings the session's stored state here ({@link
 * StoredSessions#takeOver}: its client was last served by another node), so the client resumes it
 * (session present); a clean start deletes it. The sessions of a node that died come here when this
 * node adopts them ({@link Adopt}). While the store is read for a client id, that id's grants and
 * releases wait, in their order, so that a release never misses a session on its way in; other ids
 * go on. While an adoption is read (or waits for reads under way to end) everything waits.
 *
 * <p>It lives at a fixed path ({@link #NAME} under {@code /system}), so that an owner reaches the
 * agent of any node from its address alone.
 */
final class OwnershipAgent extends AbstractBehavior<OwnershipAgentCommand> {
  private static final Logger log = LoggerFactory.getLogger(OwnershipAgent.class);

  /** Its name under {@code /system}. */
  static final String NAME = "switchboard-ownership";

  static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);

  /** A CONNECT that asks to own its client id. */
  record Connect(SessionConnection conn, String hub, String clientId, boolean cleanStart)
      implements OwnershipAgentCommand {}

  /** The node named {@code node} left the cluster, and this node takes its sessions. */
  record Adopt(String node) implements OwnershipAgentCommand {}

  private record ClaimTimeout(long claimId) implements OwnershipAgentCommand {}

  /**
   * Stored sessions were brought here: for {@code connect} (then handed to the registry), or
   * adopted from {@code node}; {@code failure} when the store could not be read.
   */
  private record Loaded(Connect connect, String node, int sessions, Throwable failure)
      implements OwnershipAgentCommand {}

  /** The wills of {@code connect}'s id on nodes that did not release it were published. */
  private record WillsPublished(Connect connect, Throwable failure)
      implements OwnershipAgentCommand {}

  private final TimerScheduler<OwnershipAgentCommand> timers;
  private final SessionRegistry registry;
  private final SessionOwnership local;
  private final Journal journal;
  private final StoredSessions stored;
  private final LostWills lostWills;
  private final String selfKey;
  private final Function<String, EntityRef<OwnerCommand>> owners;
  private final Map<Long, Connect> pending = new HashMap<>();
  private long nextClaim = 1;

  /** The client ids (as {@link #key}) whose sessions are being read from the store. */
  private final Set<String> loading = new HashSet<>();

  /** Whether an adoption is being read: everything waits. */
  private boolean adopting;

  /** What waits for a read to end, in the order it came. */
  private final ArrayDeque<OwnershipAgentCommand> waiting = new ArrayDeque<>();

  static Behavior<OwnershipAgentCommand> create(
      SessionRegistry registry,
      SessionOwnership local,
      Journal journal,
      StoredSessions stored,
      LostWills lostWills,
      String selfKey,
      Function<String, EntityRef<OwnerCommand>> owners) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new OwnershipAgent(
                        ctx, timers, registry, local, journal, stored, lostWills, selfKey,
                        owners)));
  }

  private OwnershipAgent(
      ActorContext<OwnershipAgentCommand> ctx,
      TimerScheduler<OwnershipAgentCommand> timers,
      SessionRegistry registry,
      SessionOwnership local,
      Journal journal,
      StoredSessions stored,
      LostWills lostWills,
      String selfKey,
      Function<String, EntityRef<OwnerCommand>> owners) {
    super(ctx);
    this.lostWills = lostWills;
    this.timers = timers;
    this.registry = registry;
    this.local = local;
    this.journal = journal;
    this.stored = stored;
    this.selfKey = selfKey;
    this.owners = owners;
  }

  @Override
  public Receive<OwnershipAgentCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connect.class, this::connect)
        .onMessage(ClaimTimeout.class, this::timedOut)
        .onMessage(Loaded.class, this::loaded)
        .onMessage(WillsPublished.class, this::willsPublished)
        .onMessage(Granted.class, this::inTurn)
        .onMessage(Release.class, this::inTurn)
        .onMessage(Adopt.class, this::inTurn)
        .build();
  }

  private Behavior<OwnershipAgentCommand> connect(Connect c) {
    long id = nextClaim++;
    pending.put(id, c);
    owners
        .apply(OwnerEntity.entityId(c.hub(), c.clientId()))
        .tell(
            new Claim(c.hub(), c.clientId(), selfKey, id, getContext().getSelf(), c.cleanStart()));
    timers.startSingleTimer(new ClaimTimeout(id), CLAIM_TIMEOUT);
    return this;
  }

  /** A grant, release or adoption: now, or after the sessions being read that it needs. */
  private Behavior<OwnershipAgentCommand> inTurn(OwnershipAgentCommand command) {
    if (mustWait(command)) {
      waiting.add(command);
    } else {
      handle(command);
    }
    return this;
  }

  private boolean mustWait(OwnershipAgentCommand command) {
    if (adopting || waiting.stream().anyMatch(Adopt.class::isInstance)) {
      return true; // an adoption orders everything around it
    }
    if (command instanceof Adopt) {
      return !loading.isEmpty();
    }
    String key = keyOf(command);
    return key != null && loading.contains(key);
  }

  /** The client id a grant or release is about, as {@link #key}; null for a stale grant. */
  private String keyOf(OwnershipAgentCommand command) {
    return switch (command) {
      case Granted g -> {
        Connect c = pending.get(g.claimId());
        yield c == null ? null : key(c.hub(), c.clientId());
      }
      case Release r -> key(r.hub(), r.clientId());
      default -> null;
    };
  }

  private static String key(String hub, String clientId) {
    return OwnerEntity.entityId(hub, clientId);
  }

  private void handle(OwnershipAgentCommand command) {
    switch (command) {
      case Granted g -> granted(g);
      case Release r -> release(r);
      case Adopt a -> adopt(a);
      default -> throw new IllegalArgumentException("not a turn: " + command);
    }
  }

  private void granted(Granted g) {
    Connect c = pending.remove(g.claimId());
    if (c == null) {
      return;
    }
    timers.cancel(new ClaimTimeout(g.claimId()));
    if (g.unreleased().isEmpty()) {
      proceed(c);
      return;
    }
    // the id's connection on those nodes is taken for lost: its will goes out first, as a
    // takeover's does, and the id's grants and releases here wait for it
    loading.add(key(c.hub(), c.clientId()));
    ActorRef<OwnershipAgentCommand> self = getContext().getSelf();
    lostWills
        .publish(c.hub(), c.clientId(), g.unreleased())
        .whenComplete((n, failure) -> self.tell(new WillsPublished(c, failure)));
  }

  private Behavior<OwnershipAgentCommand> willsPublished(WillsPublished w) {
    Connect c = w.connect();
    loading.remove(key(c.hub(), c.clientId()));
    if (w.failure() != null) {
      log.warn(
          "the will of a client id whose node did not release it was not published: {}",
          w.failure().toString());
    }
    proceed(c);
    replayWaiting();
    return this;
  }

  /** Lets a granted connection in: from the store first when its session may be elsewhere. */
  private void proceed(Connect c) {
    if (!stored.kept() || registry.get(c.hub(), c.clientId()) != null) {
      local.connect(c.conn(), c.hub(), c.clientId(), c.cleanStart());
    } else if (c.cleanStart()) {
      stored.forget(c.hub(), c.clientId()); // another node may have stored it
      local.connect(c.conn(), c.hub(), c.clientId(), true);
    } else {
      loading.add(key(c.hub(), c.clientId()));
      ActorRef<OwnershipAgentCommand> self = getContext().getSelf();
      stored
          .takeOver(c.hub(), c.clientId())
          .whenComplete((n, failure) -> self.tell(new Loaded(c, null, n == null ? 0 : n, failure)));
    }
  }

  private void adopt(Adopt a) {
    if (!stored.kept()) {
      return;
    }
    adopting = true;
    ActorRef<OwnershipAgentCommand> self = getContext().getSelf();
    stored
        .adopt(a.node())
        .whenComplete(
            (n, failure) -> self.tell(new Loaded(null, a.node(), n == null ? 0 : n, failure)));
  }

  private Behavior<OwnershipAgentCommand> loaded(Loaded l) {
    if (l.connect() == null) {
      adopting = false;
    } else {
      loading.remove(key(l.connect().hub(), l.connect().clientId()));
    }
    Throwable failure =
        l.failure() instanceof CompletionException e && e.getCause() != null
            ? e.getCause()
            : l.failure();
    Connect c = l.connect();
    if (c != null) {
      if (failure == null) {
        local.connect(c.conn(), c.hub(), c.clientId(), false);
      } else {
        log.warn(
            "a session could not be read from the store ({}); its connection is refused",
            failure.toString());
        c.conn().identifierRejected();
      }
    } else if (failure == null) {
      log.info("adopted {} sessions of cluster node {}, which left", l.sessions(), l.node());
    } else {
      log.error(
          "the sessions of cluster node {}, which left, could not be adopted: {}; their clients"
              + " get them back when they reconnect",
          l.node(),
          failure.toString());
    }
    replayWaiting();
    return this;
  }

  private void replayWaiting() {
    List<OwnershipAgentCommand> again = new ArrayList<>(waiting);
    waiting.clear();
    again.forEach(this::inTurn); // in their order: one may start a read that those after wait for
  }

  private Behavior<OwnershipAgentCommand> timedOut(ClaimTimeout t) {
    Connect c = pending.remove(t.claimId());
    if (c != null) {
      log.warn(
          "no owner of a client id answered within {} s (is the cluster up?); connection refused",
          CLAIM_TIMEOUT.toSeconds());
      c.conn().identifierRejected();
    }
    return this;
  }

  private void release(Release r) {
    ActorRef<OwnerCommand> owner = r.replyTo();
    Released done = new Released(r.releaseId(), selfKey);
    Session session = registry.get(r.hub(), r.clientId());
    if (session == null) {
      owner.tell(done);
      return;
    }
    session.unload(
        ReasonCode.SESSION_TAKEN_OVER, "session taken over on another node", !r.cleanStart());
    // on the session's loop, after the unload: what it wrote is in the journal before this
    session.execute(() -> afterCommit(() -> owner.tell(done)));
  }

  private void afterCommit(Runnable then) {
    if (journal == null) {
      then.run();
      return;
    }
    journal.whenCommitted(
        new Journal.Completion() {
          @Override
          public void committed() {
            then.run();
          }

          @Override
          public void failed(StoreException e) {
            then.run(); // the session is ended here either way; the store says why in its log
          }
        });
  }
}
