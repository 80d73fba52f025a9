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
import java.util.HashMap;
import java.util.Map;
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
 * connection (DISCONNECT 0x8E, session taken over; no will) and session here, and is answered once
 * what that wrote is committed, so that the new owner's writes of the session come after it in a
 * shared store. A claim not granted within {@link #CLAIM_TIMEOUT} (no cluster yet, no owner
 * reachable) refuses the connection with "identifier rejected".
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

  private record ClaimTimeout(long claimId) implements OwnershipAgentCommand {}

  private final TimerScheduler<OwnershipAgentCommand> timers;
  private final SessionRegistry registry;
  private final SessionOwnership local;
  private final Journal journal;
  private final String selfKey;
  private final Function<String, EntityRef<OwnerCommand>> owners;
  private final Map<Long, Connect> pending = new HashMap<>();
  private long nextClaim = 1;

  static Behavior<OwnershipAgentCommand> create(
      SessionRegistry registry,
      SessionOwnership local,
      Journal journal,
      String selfKey,
      Function<String, EntityRef<OwnerCommand>> owners) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new OwnershipAgent(ctx, timers, registry, local, journal, selfKey, owners)));
  }

  private OwnershipAgent(
      ActorContext<OwnershipAgentCommand> ctx,
      TimerScheduler<OwnershipAgentCommand> timers,
      SessionRegistry registry,
      SessionOwnership local,
      Journal journal,
      String selfKey,
      Function<String, EntityRef<OwnerCommand>> owners) {
    super(ctx);
    this.timers = timers;
    this.registry = registry;
    this.local = local;
    this.journal = journal;
    this.selfKey = selfKey;
    this.owners = owners;
  }

  @Override
  public Receive<OwnershipAgentCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connect.class, this::connect)
        .onMessage(Granted.class, this::granted)
        .onMessage(ClaimTimeout.class, this::timedOut)
        .onMessage(Release.class, this::release)
        .build();
  }

  private Behavior<OwnershipAgentCommand> connect(Connect c) {
    long id = nextClaim++;
    pending.put(id, c);
    owners
        .apply(OwnerEntity.entityId(c.hub(), c.clientId()))
        .tell(new Claim(c.hub(), c.clientId(), selfKey, id, getContext().getSelf()));
    timers.startSingleTimer(new ClaimTimeout(id), CLAIM_TIMEOUT);
    return this;
  }

  private Behavior<OwnershipAgentCommand> granted(Granted g) {
    Connect c = pending.remove(g.claimId());
    if (c != null) {
      timers.cancel(new ClaimTimeout(g.claimId()));
      local.connect(c.conn(), c.hub(), c.clientId(), c.cleanStart());
    }
    return this;
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

  private Behavior<OwnershipAgentCommand> release(Release r) {
    ActorRef<OwnerCommand> owner = r.replyTo();
    Released done = new Released(r.releaseId(), selfKey);
    Session session = registry.get(r.hub(), r.clientId());
    if (session == null) {
      owner.tell(done);
      return this;
    }
    session.discard(ReasonCode.SESSION_TAKEN_OVER, "session taken over on another node");
    // on the session's loop, after the discard: what it wrote is in the journal before this
    session.execute(() -> afterCommit(() -> owner.tell(done)));
    return this;
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
