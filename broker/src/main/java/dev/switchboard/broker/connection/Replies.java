package dev.switchboard.broker.connection;

import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.routing.AcknowledgementHold;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.PubRec;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledgements waiting for a commit, or for the route targets that hold them (copies sent to
 * other nodes, until those are safe there), and those that came after them: they go out in the
 * order they were made, each once what it acknowledges is safe. Made for a connection on its first
 * wait; on its event loop.
 */
final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private static final int WAITING = 0;
  private static final int READY = 1;
  private static final int FAILED = 2;

  private static final class Reply {
    final MqttPacket packet;
    final Runnable after;
    int state;

    /** What it still waits for: the commit, the route targets' hold, or both. */
    int waitingFor;

    /** Why it is refused, when it failed. */
    String failure;

    Reply(MqttPacket packet, Runnable after, int waitingFor) {
      this.packet = packet;
      this.after = after;
      this.waitingFor = waitingFor;
      this.state = waitingFor == 0 ? READY : WAITING;
    }
  }

  private final MqttConnection connection;
  private final Journal journal;
  private final ArrayDeque<Reply> queue = new ArrayDeque<>();

  Replies(MqttConnection connection, Journal journal) {
    this.connection = connection;
    this.journal = journal;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Sends an acknowledgement of {@code c}, after the commit of what was appended to the journal
   * before it when {@code afterCommit} and durability is strict, after {@code hold} is released
   * when there is one (the route targets that sent copies beyond this node), and always after the
   * acknowledgements made before it; then runs {@code after} (if any) on the connection's loop.
   */
  static void send(
      MqttConnection c,
      MqttPacket packet,
      boolean afterCommit,
      AcknowledgementHold hold,
      Runnable after) {
    Journal journal = c.flows.context.journal();
    boolean waits = afterCommit && journal != null && journal.strict();
    if (!waits && hold == null && (c.replies == null || c.replies.isEmpty())) {
      c.writer.write(packet);
      if (after != null) {
        after.run();
      }
      return;
    }
    if (c.replies == null) {
      c.replies = new Replies(c, journal);
    }
    c.replies.add(packet, after, waits, hold);
  }

  /**
   * Queues {@code packet} behind the replies already waiting; when {@code waits}, it also waits for
   * the commit of what was appended to the journal before it, and for {@code hold} when not null.
   */
  private void add(MqttPacket packet, Runnable after, boolean waits, AcknowledgementHold hold) {
    Reply r = new Reply(packet, after, (waits ? 1 : 0) + (hold == null ? 0 : 1));
    queue.add(r);
    if (r.state == READY) {
      return;
    }
    EventLoop loop = connection.eventLoop();
    if (waits) {
      journal.whenCommitted(
          new Journal.Completion() {
            @Override
            public void committed() {
              loop.execute(() -> settle(r, null));
            }

            @Override
            public void failed(StoreException e) {
              String why = "not stored: " + e.kind().name().toLowerCase(Locale.ROOT);
              loop.execute(() -> settle(r, why));
            }
          });
    }
    if (hold != null) {
      hold.whenReleased(
          new AcknowledgementHold.Outcome() {
            @Override
            public void released() {
              onLoop(loop, () -> settle(r, null));
            }

            @Override
            public void failed(String why) {
              onLoop(loop, () -> settle(r, why));
            }
          });
    }
  }

  /**
   * Runs {@code task} on the connection's loop, unless that loop has ended: a hold is released on
   * another thread, possibly after the broker stopped (the cluster stops after it), when there is
   * nobody left to answer.
   */
  private static void onLoop(EventLoop loop, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException stopped) {
      // the broker has stopped: the connection is gone with its loop
    }
  }

  /** One of what {@code r} waits for is settled: done, or failed for {@code failure}. */
  private void settle(Reply r, String failure) {
    if (r.state != WAITING) {
      return; // failed already; what it also waited for no longer matters
    }
    if (failure != null) {
      r.state = FAILED;
      r.failure = failure;
    } else if (--r.waitingFor == 0) {
      r.state = READY;
    }
    while (!queue.isEmpty() && queue.peekFirst().state != WAITING) {
      Reply next = queue.pollFirst();
      if (next.state == FAILED && !refuse(next)) {
        queue.clear();
        return;
      }
      if (next.state == READY) {
        connection.writer.write(next.packet);
        if (next.after != null && connection.state == MqttConnection.State.CONNECTED) {
          next.after.run();
        }
      }
    }
  }

  /**
   * What could not be stored (or kept safe on another node) is not acknowledged: a 5.0 PUBACK or
   * PUBREC says 0x80 and why; for anything else, or a 3.1.1 client, the connection closes without
   * the acknowledgement, so that the client sends again when it reconnects. Returns false when the
   * connection was closed.
   */
  private boolean refuse(Reply r) {
    String why = r.failure;
    OutboundWriter writer = connection.writer;
    if (writer.isV5() && r.packet instanceof PubAck a) {
      writer.write(new PubAck(a.packetId(), ReasonCode.UNSPECIFIED_ERROR, Diagnostics.reason(why)));
      return true;
    }
    if (writer.isV5() && r.packet instanceof PubRec rec) {
      if (connection.session != null) {
        connection.session.awaitingPubrel().forget(rec.packetId());
      }
      writer.write(
          new PubRec(rec.packetId(), ReasonCode.UNSPECIFIED_ERROR, Diagnostics.reason(why)));
      return true;
    }
    log.warn("{}: closing: {} not acknowledged ({})", connection.describe(), r.packet.type(), why);
    connection.disconnect(ReasonCode.UNSPECIFIED_ERROR, why);
    return false;
  }
}
