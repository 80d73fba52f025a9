package dev.switchboard.cluster.forward;

import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.cluster.wire.ForwardAck;
import dev.switchboard.cluster.wire.ForwardBatch;
import dev.switchboard.cluster.wire.ForwardedMessage;
import dev.switchboard.cluster.wire.ForwarderCommand;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one destination node what its {@link Outbox} holds, in batches. Artery delivers at most
 * once, so a message the destination must not miss (QoS 1/2, and every retained message, which
 * keeps the node's retained cache right) gets a number in this origin-to-destination stream and is
 * kept until the destination acknowledges it, and sent again every {@code retryAfter} until then;
 * the destination drops what it has seen already. QoS 0 is sent once. At most {@code maxUnacked}
 * messages wait for acknowledgement: past that the forwarder stops draining and the outbox fills
 * (and then drops, counted), so a dead or slow node costs bounded memory.
 *
 * <p>A message heavier than a batch may be goes alone to the destination's large-message receiver,
 * through Artery's large-message channel (its own connection: a large message does not hold up the
 * batches, and may arrive before or after messages sent around it).
 *
 * <p>A message whose publisher waits for its acknowledgement carries a hold on it, released when
 * the destination acknowledges the message (the destination does so once its store has what the
 * message wrote), or when the destination leaves the cluster and this forwarder stops; a message
 * too large to forward fails it.
 *
 * <p>A message sent again may overtake later ones; order holds while nothing is lost.
 */
public final class NodeForwarder extends AbstractBehavior<ForwarderCommand> {
  private static final Logger log = LoggerFactory.getLogger(NodeForwarder.class);

  /** The outbox has messages. */
  enum Wake implements ForwarderCommand {
    INSTANCE
  }

  private enum RetryTick implements ForwarderCommand {
    INSTANCE
  }

  private static final class Unacked {
    final ForwardedMessage message;

    /** The publisher's acknowledgement, held until the destination has the message; or null. */
    final AcknowledgementHold hold;

    long sentAtNanos;

    Unacked(ForwardedMessage message, AcknowledgementHold hold, long sentAtNanos) {
      this.message = message;
      this.hold = hold;
      this.sentAtNanos = sentAtNanos;
    }

    void release() {
      if (hold != null) {
        hold.release();
      }
    }
  }

  private final Outbox outbox;
  private final ActorRef<ForwardBatch> destination;
  private final ActorRef<ForwardBatch> largeDestination;
  private final String originKey;
  private final ForwardSettings settings;
  private final ForwardMetrics metrics;
  private final Map<Long, Unacked> unacked = new LinkedHashMap<>();
  private long nextSeq = 1;
  private long lastTooLargeLog;

  /**
   * Spawns the forwarder of {@code outbox} as a child of {@code parent} and binds the outbox to it,
   * before anyone can offer to the outbox.
   */
  public static ActorRef<ForwarderCommand> spawn(
      ActorContext<?> parent,
      String name,
      Outbox outbox,
      ActorRef<ForwardBatch> destination,
      ActorRef<ForwardBatch> largeDestination,
      String originKey,
      ForwardSettings settings,
      ForwardMetrics metrics) {
    ActorRef<ForwarderCommand> ref =
        parent.spawn(
            create(outbox, destination, largeDestination, originKey, settings, metrics), name);
    outbox.bind(ref);
    return ref;
  }

  /** As the other {@code create}, without the large-message channel. */
  public static Behavior<ForwarderCommand> create(
      Outbox outbox,
      ActorRef<ForwardBatch> destination,
      String originKey,
      ForwardSettings settings,
      ForwardMetrics metrics) {
    return create(outbox, destination, null, originKey, settings, metrics);
  }

  /**
   * @param outbox what to send, once it is bound to the forwarder
   * @param destination the destination node's receiver
   * @param largeDestination the destination node's receiver of messages heavier than a batch, one
   *     at a time through Artery's large-message channel; null: none (such messages are dropped)
   * @param originKey this node's key, which the destination de-duplicates by
   */
  public static Behavior<ForwarderCommand> create(
      Outbox outbox,
      ActorRef<ForwardBatch> destination,
      ActorRef<ForwardBatch> largeDestination,
      String originKey,
      ForwardSettings settings,
      ForwardMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      RetryTick.INSTANCE, settings.retryAfter().dividedBy(2));
                  return new NodeForwarder(
                      ctx, outbox, destination, largeDestination, originKey, settings, metrics);
                }));
  }

  private NodeForwarder(
      ActorContext<ForwarderCommand> ctx,
      Outbox outbox,
      ActorRef<ForwardBatch> destination,
      ActorRef<ForwardBatch> largeDestination,
      String originKey,
      ForwardSettings settings,
      ForwardMetrics metrics) {
    super(ctx);
    this.outbox = outbox;
    this.destination = destination;
    this.largeDestination = largeDestination;
    this.originKey = originKey;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Receive<ForwarderCommand> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Wake.INSTANCE, this::drain)
        .onMessage(ForwardAck.class, this::acknowledged)
        .onMessageEquals(RetryTick.INSTANCE, this::resend)
        .onSignal(PostStop.class, s -> stopped())
        .build();
  }

  /**
   * Stopped: the destination left the cluster (or this node stops). The acknowledgements its
   * messages held are released, since nobody is left there to deliver them to; the outbox is closed
   * so that nothing offered later waits for a forwarder that is gone.
   */
  private Behavior<ForwarderCommand> stopped() {
    outbox.close();
    unacked.values().forEach(Unacked::release);
    unacked.clear();
    return this;
  }

  private Behavior<ForwarderCommand> drain() {
    outbox.draining();
    List<ForwardedMessage> batch = new ArrayList<>();
    int bytes = 0;
    while (true) {
      if (unacked.size() >= settings.maxUnacked()) {
        outbox.holding(); // the next acknowledgement drains again
        break;
      }
      Outbox.Outgoing next = outbox.peek();
      if (next == null) {
        break;
      }
      ForwardedMessage probe = new ForwardedMessage(0, next.message(), next.sharedGroups());
      if (probe.weight() > settings.maxBatchBytes()) {
        outbox.poll();
        if (largeDestination == null || probe.weight() > settings.maxLargeBytes()) {
          tooLarge(probe);
          if (next.hold() != null) {
            next.hold().fail("not forwarded to another node: too large");
          }
        } else {
          sendLarge(numbered(next, probe));
        }
        continue;
      }
      if (batch.size() >= settings.batch() || bytes + probe.weight() > settings.maxBatchBytes()) {
        send(batch);
        batch = new ArrayList<>();
        bytes = 0;
      }
      outbox.poll();
      ForwardedMessage f = numbered(next, probe);
      batch.add(f);
      bytes += f.weight();
    }
    send(batch);
    return this;
  }

  /**
   * {@code next} as sent: numbered and kept until acknowledged when the destination must not miss
   * it (QoS 1/2, or retained), else {@code probe} (unnumbered, sent once).
   */
  private ForwardedMessage numbered(Outbox.Outgoing next, ForwardedMessage probe) {
    if (next.message().qos() == 0 && !next.message().retain()) {
      return probe;
    }
    ForwardedMessage f = new ForwardedMessage(nextSeq++, next.message(), next.sharedGroups());
    unacked.put(f.seq(), new Unacked(f, next.hold(), System.nanoTime()));
    return f;
  }

  /** A message heavier than a batch: alone, through the large-message channel. */
  private void sendLarge(ForwardedMessage f) {
    metrics.sent.increment();
    metrics.sentLarge.increment();
    largeDestination.tell(new ForwardBatch(originKey, getContext().getSelf().narrow(), List.of(f)));
  }

  private void send(List<ForwardedMessage> batch) {
    if (!batch.isEmpty()) {
      metrics.sent.add(batch.size());
      destination.tell(new ForwardBatch(originKey, getContext().getSelf().narrow(), batch));
    }
  }

  /** Sends again: counted as {@code resent}, not as {@code sent}. */
  private void sendAgain(List<ForwardedMessage> batch) {
    if (!batch.isEmpty()) {
      metrics.resent.add(batch.size());
      destination.tell(new ForwardBatch(originKey, getContext().getSelf().narrow(), batch));
    }
  }

  private Behavior<ForwarderCommand> acknowledged(ForwardAck ack) {
    boolean wasFull = unacked.size() >= settings.maxUnacked();
    long now = System.nanoTime();
    for (long seq : ack.seqs()) {
      Unacked u = unacked.remove(seq);
      if (u != null) {
        metrics.latency.record(now - u.sentAtNanos); // from its last sending
        u.release();
      }
    }
    if (wasFull && unacked.size() < settings.maxUnacked() && outbox.size() > 0) {
      return drain();
    }
    return this;
  }

  private Behavior<ForwarderCommand> resend() {
    long now = System.nanoTime();
    long after = settings.retryAfter().toNanos();
    List<ForwardedMessage> batch = new ArrayList<>();
    int bytes = 0;
    for (Iterator<Unacked> it = unacked.values().iterator(); it.hasNext(); ) {
      Unacked u = it.next();
      if (now - u.sentAtNanos < after) {
        continue;
      }
      if (u.message.message().isExpired(now)) {
        it.remove(); // its subscribers would drop it anyway
        u.release();
        continue;
      }
      if (u.message.weight() > settings.maxBatchBytes()) {
        u.sentAtNanos = now;
        metrics.resent.increment();
        largeDestination.tell(
            new ForwardBatch(originKey, getContext().getSelf().narrow(), List.of(u.message)));
        continue;
      }
      if (batch.size() >= settings.batch()
          || bytes + u.message.weight() > settings.maxBatchBytes()) {
        sendAgain(batch);
        batch = new ArrayList<>();
        bytes = 0;
      }
      u.sentAtNanos = now;
      batch.add(u.message);
      bytes += u.message.weight();
    }
    sendAgain(batch);
    return this;
  }

  private void tooLarge(ForwardedMessage f) {
    metrics.droppedTooLarge.increment();
    long now = System.nanoTime();
    if (now - lastTooLargeLog > 10_000_000_000L) {
      lastTooLargeLog = now;
      log.warn(
          "a message on {} of {} bytes is too large to forward to {} (at most {} bytes);"
              + " dropped",
          dev.switchboard.mqtt.LogSafe.text(f.message().topic()),
          f.message().payload().length,
          outbox.destination(),
          largeDestination == null ? settings.maxBatchBytes() : settings.maxLargeBytes());
    }
  }
}
