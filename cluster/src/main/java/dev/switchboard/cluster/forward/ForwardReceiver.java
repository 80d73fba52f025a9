package dev.switchboard.cluster.forward;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.retained.RetainedStore;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.cluster.wire.ForwardAck;
import dev.switchboard.cluster.wire.ForwardBatch;
import dev.switchboard.cluster.wire.ForwardedMessage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the batches other nodes forward to this one: a retained message updates this node's
 * retained cache first (the publishing node stored it; every node caches it so that a later
 * subscriber here gets it), then each message goes to this node's sessions through {@link
 * Router#deliverLocally} (shared groups only those the origin chose this node for), numbered ones
 * once however often they arrive, and the numbered ones are acknowledged once this node's store has
 * committed what delivering them wrote (the copies for persistent sessions): the origin may then
 * acknowledge them to their publisher, and a kill of the origin no longer loses them.
 *
 * <p>It lives at a fixed path ({@link #NAME} under {@code /system}), so that every node finds every
 * other's receiver from its address alone.
 */
public final class ForwardReceiver extends AbstractBehavior<Object> {
  private static final Logger log = LoggerFactory.getLogger(ForwardReceiver.class);

  /** Its name under {@code /system}. */
  public static final String NAME = "switchboard-forward-in";

  /**
   * The name under {@code /system} of the receiver of messages too large for a batch, which come
   * alone through Artery's large-message channel (the path is in {@code
   * large-message-destinations}); it hands them to this receiver, where they are de-duplicated with
   * the rest of their origin's stream.
   */
  public static final String LARGE_NAME = "switchboard-forward-in-large";

  /** The node {@code origin} left the cluster: its stream will not continue. */
  public record OriginGone(String origin) {}

  private final Router router;
  private final TopicSpaces spaces;
  private final boolean retainAvailable;
  private final ForwardMetrics metrics;

  /** This node's journal, whose commit the acknowledgements wait for; null without a store. */
  private final Journal journal;

  private final Map<String, Deduplicator> origins = new HashMap<>();

  /** When a failed commit was last logged (on the store's thread). */
  private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - 20_000_000_000L);

  /**
   * @param journal the broker's journal (null when it keeps memory only): acknowledgements wait for
   *     the commit of what the delivery appended to it
   */
  public static Behavior<Object> create(
      Router router,
      TopicSpaces spaces,
      boolean retainAvailable,
      ForwardMetrics metrics,
      Journal journal) {
    return Behaviors.setup(
        ctx -> new ForwardReceiver(ctx, router, spaces, retainAvailable, metrics, journal));
  }

  /** The receiver at {@link #LARGE_NAME}: hands every batch to {@code receiver}. */
  public static Behavior<ForwardBatch> largeMessages(ActorRef<Object> receiver) {
    return Behaviors.receiveMessage(
        b -> {
          receiver.tell(b);
          return Behaviors.same();
        });
  }

  private ForwardReceiver(
      ActorContext<Object> ctx,
      Router router,
      TopicSpaces spaces,
      boolean retainAvailable,
      ForwardMetrics metrics,
      Journal journal) {
    super(ctx);
    this.router = router;
    this.spaces = spaces;
    this.retainAvailable = retainAvailable;
    this.metrics = metrics;
    this.journal = journal;
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(ForwardBatch.class, this::batch)
        .onMessage(
            OriginGone.class,
            g -> {
              origins.remove(g.origin());
              return this;
            })
        .build();
  }

  private Behavior<Object> batch(ForwardBatch b) {
    Deduplicator seen = origins.computeIfAbsent(b.origin(), o -> new Deduplicator());
    long[] acks = new long[b.messages().size()];
    int n = 0;
    for (ForwardedMessage f : b.messages()) {
      if (f.acknowledged()) {
        acks[n++] = f.seq();
        if (!seen.firstTime(f.seq())) {
          metrics.duplicates.increment();
          continue;
        }
      }
      Message m = f.message();
      if (m.retain() && retainAvailable) {
        RetainedStore retained = spaces.of(m.hub()).retained();
        if (m.payload().length == 0) {
          retained.remove(m.topic());
        } else {
          retained.put(m);
        }
      }
      router.deliverLocally(m, f.sharedGroups());
      metrics.received.increment();
    }
    if (n > 0) {
      acknowledgeWhenCommitted(
          b.replyTo(), new ForwardAck(n == acks.length ? acks : Arrays.copyOf(acks, n)));
    }
    return this;
  }

  /**
   * Sends {@code ack} once the journal has committed what this thread appended before (the
   * deliveries' stored copies, appended on this actor's thread): at once without a store or when
   * durability is not strict. After a failed commit nothing is sent: the origin sends again, and
   * the copy it then recognises is acknowledged after the next commit.
   */
  private void acknowledgeWhenCommitted(ActorRef<ForwardAck> origin, ForwardAck ack) {
    if (journal == null) {
      origin.tell(ack);
      return;
    }
    journal.whenCommitted(
        new Journal.Completion() {
          @Override
          public void committed() {
            origin.tell(ack);
          }

          @Override
          public void failed(StoreException e) {
            long now = System.nanoTime();
            long last = lastFailureLog.get();
            if (now - last > 10_000_000_000L && lastFailureLog.compareAndSet(last, now)) {
              log.warn(
                  "forwarded messages not acknowledged to their origin: the store failed ({});"
                      + " the origin sends them again (logged at most every 10 s)",
                  e.kind());
            }
          }
        });
  }
}
